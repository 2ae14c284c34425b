using System.Globalization;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Transport;
using Serverless.Cdc.Transport.Embedded;
using Serverless.Cdc.Writer;
using Serverless.Delta;
using Serverless.Delta.Scanning;
using Serverless.MySql.Client;
using Serverless.MySql.Replication;
using Serverless.Parquet;
using Serverless.Storage.Local;

namespace Serverless.Cdc.IntegrationTests.Writer;

/// <summary>
/// A change log and a lake folder for writer tests, with a small synthetic table <c>shop.{name}(id INT key, name
/// VARCHAR, amount DECIMAL(10,2))</c>: events are published into partition 0 of the embedded log and the lake is read back
/// with our Delta reader as "id|name|amount" lines.
/// </summary>
internal sealed class WriterLake : IDisposable
{
    private readonly TempDirectory folder;

    public WriterLake(string prefix, int partitions = 1)
    {
        folder = new TempDirectory(prefix);
        LogDirectory = Path.Combine(folder.Path, "log");
        LakeDirectory = Path.Combine(folder.Path, "lake");
        Directory.CreateDirectory(LakeDirectory);
        Log = EmbeddedChangeLog.OpenOrCreate(LogDirectory, partitions, new EmbeddedChangeLogOptions { Durability = LogDurability.OperatingSystemCache });
        Store = new LocalFolderObjectStore(LakeDirectory);
    }

    public string LogDirectory { get; }

    public string LakeDirectory { get; }

    public EmbeddedChangeLog Log { get; }

    public LocalFolderObjectStore Store { get; }

    public static SourceTable OrdersTable(string name) => new()
    {
        Database = "shop",
        Name = name,
        Columns =
        [
            new SourceColumn { Name = "id", Ordinal = 1, DataType = "int", ColumnType = "int(11)", IsNullable = false },
            new SourceColumn { Name = "name", Ordinal = 2, DataType = "varchar", ColumnType = "varchar(50)" },
            new SourceColumn { Name = "amount", Ordinal = 3, DataType = "decimal", ColumnType = "decimal(10,2)", NumericPrecision = 10, NumericScale = 2 },
        ],
        KeyColumns = ["id"],
        KeySource = TableKeySource.PrimaryKey,
    };

    /// <summary>Creates the lake table of <paramref name="source"/> (merge-on-read, or copy-on-write), marked live unless told not to.</summary>
    public async Task<WriterTable> CreateTableAsync(SourceTable source, bool live = true, TableProtocolMode mode = TableProtocolMode.Default, bool softDelete = false)
    {
        var mapping = TypeMapper.Map(source, softDelete: softDelete);
        var lake = await DeltaTable.CreateAsync(Location(source.Name), new TableDefinition(mapping.DeltaFields) { Mode = mode });
        if (live)
        {
            await SnapshotCompletion.MarkAsync(lake);
        }

        return new WriterTable(mapping, lake);
    }

    public TableLocation Location(string table) => new(Store, "shop_" + table + "/");

    public async Task<DeltaTable> OpenAsync(string table) => await DeltaTable.OpenAsync(Location(table));

    public static ChangeEvent Change(ChangeKind kind, string table, long offset, int id, string? name, decimal? amount, int rowIndex = 0) => new()
    {
        Kind = kind,
        Database = "shop",
        Table = table,
        SchemaVersion = 1,
        Position = new BinlogPosition("mariadb-bin.000001", offset, rowIndex),
        CommitTime = DateTimeOffset.UnixEpoch.AddSeconds(offset),
        Key = [ChangeValue.FromInt64(id)],
        Row =
        [
            ChangeValue.FromInt64(id),
            name is null ? ChangeValue.Null : ChangeValue.FromString(name),
            amount is null ? ChangeValue.Null : ChangeValue.FromDecimal(MySqlDecimal.Parse(System.Text.Encoding.ASCII.GetBytes(amount.Value.ToString("0.00", CultureInfo.InvariantCulture)))),
        ],
    };

    public static ChangeEvent Ddl(string table, long offset, string sql) => new()
    {
        Kind = ChangeKind.Ddl, Database = "shop", Table = table, Position = new BinlogPosition("mariadb-bin.000001", offset), CommitTime = DateTimeOffset.UnixEpoch.AddSeconds(offset), Sql = sql,
    };

    /// <summary>Publishes the changes to one partition, <paramref name="perBatch"/> per publish.</summary>
    public async Task PublishAsync(IEnumerable<ChangeEvent> changes, int partition = 0, int perBatch = 50)
    {
        await using var publisher = Log.OpenPublisher();
        var batch = publisher.CreateBatch(ChangeBatchOptions.ForPartition(partition));
        foreach (var change in changes)
        {
            if (batch.Count == perBatch || !batch.TryAdd(change))
            {
                await publisher.PublishAsync(batch);
                batch = publisher.CreateBatch(ChangeBatchOptions.ForPartition(partition));
                Assert.True(batch.TryAdd(change));
            }
        }

        if (batch.Count > 0)
        {
            await publisher.PublishAsync(batch);
        }
    }

    /// <summary>The table's live rows as "id|name|amount", ordered; with <paramref name="withPosition"/> the position too.</summary>
    public async Task<List<string>> RowsAsync(string table, bool withPosition = false)
    {
        var lake = await OpenAsync(table);
        var rows = new List<string>();
        var columns = withPosition ? new[] { "id", "name", "amount", CdcColumns.Position } : ["id", "name", "amount"];
        await foreach (var row in new DeltaScan(lake.Snapshot).Select(columns).ReadRowsAsync())
        {
            rows.Add(string.Join("|", row.Select(Text)));
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>The retention hold the writer set for partition <paramref name="partition"/> (the embedded log's hold file).</summary>
    public long? Hold(string consumer, int partition)
    {
        var path = Path.Combine(LogDirectory, "holds", "p" + partition.ToString("D4", CultureInfo.InvariantCulture), consumer + ".hold");
        return File.Exists(path) ? long.Parse(File.ReadAllText(path), CultureInfo.InvariantCulture) : null;
    }

    public static string Row(int id, string? name, decimal? amount) => $"{id}|{name ?? "null"}|{(amount is null ? "null" : amount.Value.ToString("0.00", CultureInfo.InvariantCulture))}";

    internal static string Text(object? value) => value switch
    {
        null => "null",
        decimal d => d.ToString("0.00", CultureInfo.InvariantCulture),
        ParquetDecimal p => p.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    public void Dispose() => folder.Dispose();
}
