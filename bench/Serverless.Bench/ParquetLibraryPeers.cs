using Parquet;
using Parquet.Schema;
using ParquetSharp;

namespace Serverless.Bench;

/// <summary>
/// The bench's 1M-row, 10-column table written and read by the two served .NET Parquet libraries: Parquet.Net (managed)
/// and ParquetSharp (a wrapper over Apache Arrow's C++ parquet library). Each takes its own native input (arrays of
/// long, int, decimal, DateTime, string, double?), built once before timing from the same formulas as
/// <see cref="ParquetBenchmark.Generate"/>, snappy-compressed like ours, one thread, all columns read back into arrays.
/// </summary>
public sealed class ParquetLibraryPeers
{
    private const long TimestampBase = 1_600_000_000_000_000L;

    private readonly long[] _id;
    private readonly int[] _qty;
    private readonly decimal[] _price;
    private readonly decimal[] _amount;
    private readonly DateTime[] _created;
    private readonly DateTime[] _updated;
    private readonly string[] _status;
    private readonly string[] _city;
    private readonly string[] _email;
    private readonly double?[] _score;

    public ParquetLibraryPeers(int rows)
    {
        _id = new long[rows];
        _qty = new int[rows];
        _price = new decimal[rows];
        _amount = new decimal[rows];
        _created = new DateTime[rows];
        _updated = new DateTime[rows];
        _status = new string[rows];
        _city = new string[rows];
        _email = new string[rows];
        _score = new double?[rows];
        for (long i = 0; i < rows; i++)
        {
            _id[i] = i;
            _qty[i] = (int)(i * 7919 % 100_000);
            _price[i] = new decimal(i * 104_729 % 10_000_000) / 100m;
            _amount[i] = new decimal(i * 31_337 % 1_000_000_000_000) / 10_000m;
            _created[i] = DateTime.UnixEpoch.AddTicks((TimestampBase + (i * 1_000_003)) * 10);
            _updated[i] = DateTime.UnixEpoch.AddTicks((TimestampBase + (i * 999_983)) * 10);
            _status[i] = string.Concat("status_", (i % 8).ToString(System.Globalization.CultureInfo.InvariantCulture));
            _city[i] = string.Concat("city_", (i % 1000).ToString(System.Globalization.CultureInfo.InvariantCulture));
            _email[i] = string.Concat("user", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "@example.com");
            _score[i] = i % 10 == 0 ? null : i * 0.25;
        }
    }

    public int Rows => _id.Length;

    private static global::Parquet.Schema.ParquetSchema ParquetNetSchema() => new(
        new DataField<long>("id", false),
        new DataField<int>("qty", false),
        new DecimalDataField("price", 12, 2, isNullable: false),
        new DecimalDataField("amount", 18, 4, isNullable: false),
        new DateTimeDataField("created_at", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: false),
        new DateTimeDataField("updated_at", DateTimeFormat.Timestamp, isAdjustedToUTC: false, unit: DateTimeTimeUnit.Micros, isNullable: false),
        new DataField<string>("status", false),
        new DataField<string>("city", false),
        new DataField<string>("email", false),
        new DataField<double?>("score"));

    public async Task WriteParquetNetAsync(string path)
    {
        var schema = ParquetNetSchema();
        var fields = schema.GetDataFields();
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        await using var writer = await global::Parquet.ParquetWriter.CreateAsync(schema, stream, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy });
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<long>(fields[0], _id);
        await group.WriteAsync<int>(fields[1], _qty);
        await group.WriteAsync<decimal>(fields[2], _price);
        await group.WriteAsync<decimal>(fields[3], _amount);
        await group.WriteAsync<DateTime>(fields[4], _created);
        await group.WriteAsync<DateTime>(fields[5], _updated);
        await group.WriteAsync(fields[6], _status);
        await group.WriteAsync(fields[7], _city);
        await group.WriteAsync(fields[8], _email);
        await group.WriteAsync<double>(fields[9], _score.AsMemory());
    }

    public static async Task<long> ReadParquetNetAsync(string path)
    {
        await using var reader = await global::Parquet.ParquetReader.CreateAsync(path);
        var fields = reader.Schema.GetDataFields();
        long rows = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = (int)group.RowCount;
            await group.ReadAsync<long>(fields[0], new long[n]);
            await group.ReadAsync<int>(fields[1], new int[n]);
            await group.ReadAsync<decimal>(fields[2], new decimal[n]);
            await group.ReadAsync<decimal>(fields[3], new decimal[n]);
            await group.ReadAsync<DateTime>(fields[4], new DateTime[n]);
            await group.ReadAsync<DateTime>(fields[5], new DateTime[n]);
            await group.ReadAsync(fields[6], new string[n]);
            await group.ReadAsync(fields[7], new string[n]);
            await group.ReadAsync(fields[8], new string[n]);
            await group.ReadAsync<double>(fields[9], new double?[n]);
            rows += n;
        }

        return rows;
    }

    public void WriteParquetSharp(string path)
    {
        Column[] columns =
        [
            new Column<long>("id"),
            new Column<int>("qty"),
            new Column<decimal>("price", LogicalType.Decimal(12, 2)),
            new Column<decimal>("amount", LogicalType.Decimal(18, 4)),
            new Column<DateTime>("created_at", LogicalType.Timestamp(isAdjustedToUtc: true, TimeUnit.Micros)),
            new Column<DateTime>("updated_at", LogicalType.Timestamp(isAdjustedToUtc: false, TimeUnit.Micros)),
            new Column<string>("status"),
            new Column<string>("city"),
            new Column<string>("email"),
            new Column<double?>("score"),
        ];
        using var file = new ParquetFileWriter(path, columns, Compression.Snappy);
        using (var group = file.AppendRowGroup())
        {
            WriteColumn(group, _id);
            WriteColumn(group, _qty);
            WriteColumn(group, _price);
            WriteColumn(group, _amount);
            WriteColumn(group, _created);
            WriteColumn(group, _updated);
            WriteColumn(group, _status);
            WriteColumn(group, _city);
            WriteColumn(group, _email);
            WriteColumn(group, _score);
        }

        file.Close();
    }

    private static void WriteColumn<T>(RowGroupWriter group, T[] values)
    {
        using var writer = group.NextColumn().LogicalWriter<T>();
        writer.WriteBatch(values);
    }

    public static long ReadParquetSharp(string path)
    {
        using var file = new ParquetFileReader(path);
        long rows = 0;
        for (var g = 0; g < file.FileMetaData.NumRowGroups; g++)
        {
            using var group = file.RowGroup(g);
            var n = checked((int)group.MetaData.NumRows);
            ReadColumn<long>(group, 0, n);
            ReadColumn<int>(group, 1, n);
            ReadColumn<decimal>(group, 2, n);
            ReadColumn<decimal>(group, 3, n);
            ReadColumn<DateTime>(group, 4, n);
            ReadColumn<DateTime>(group, 5, n);
            ReadColumn<string>(group, 6, n);
            ReadColumn<string>(group, 7, n);
            ReadColumn<string>(group, 8, n);
            ReadColumn<double?>(group, 9, n);
            rows += n;
        }

        file.Close();
        return rows;
    }

    private static void ReadColumn<T>(RowGroupReader group, int column, int rows)
    {
        using var reader = group.Column(column).LogicalReader<T>();
        reader.ReadAll(rows);
    }
}
