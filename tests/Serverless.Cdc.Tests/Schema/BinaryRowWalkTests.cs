using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Schema;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;
using Serverless.Parquet;
using Serverless.Testing;
using Xunit;

namespace Serverless.Cdc.Tests.Schema;

/// <summary>
/// The one-pass walk of binary rows (<see cref="RowConverter.AppendSourceValues(MySqlResultReader, ParquetRowBatch)"/>,
/// <see cref="RowConverter.AppendBufferedSourceValues"/>) fills the column buffers exactly as the field-by-field path
/// (<see cref="MySqlResultReader.CurrentRow"/>) does, and fails on the same rows with the same errors. The rows are
/// random binary rows a scripted server sends (the local MariaDB cannot send malformed ones).
/// </summary>
public sealed class BinaryRowWalkTests
{
    // name, DATA_TYPE, COLUMN_TYPE, nullable, wire type, wire flags
    private static readonly (string Name, string DataType, string ColumnType, bool Nullable, ColumnType Wire, ColumnFlags Flags)[] Columns =
    [
        ("id", "int", "int(11)", false, ColumnType.Long, ColumnFlags.NotNull),
        ("n", "int", "int(11)", true, ColumnType.Long, ColumnFlags.None),
        ("u", "int", "int(10) unsigned", true, ColumnType.Long, ColumnFlags.Unsigned),
        ("t", "tinyint", "tinyint(4)", true, ColumnType.Tiny, ColumnFlags.None),
        ("su", "smallint", "smallint(5) unsigned", true, ColumnType.Short, ColumnFlags.Unsigned),
        ("mu", "mediumint", "mediumint(8) unsigned", true, ColumnType.Int24, ColumnFlags.Unsigned),
        ("b", "bigint", "bigint(20)", true, ColumnType.LongLong, ColumnFlags.Unsigned),
        ("bu", "bigint", "bigint(20) unsigned", true, ColumnType.LongLong, ColumnFlags.Unsigned),
        ("f", "float", "float", true, ColumnType.Float, ColumnFlags.None),
        ("d", "double", "double", true, ColumnType.Double, ColumnFlags.None),
        ("from_date", "date", "date", true, ColumnType.Date, ColumnFlags.None),
        ("to_date", "date", "date", false, ColumnType.Date, ColumnFlags.NotNull),
        ("at", "datetime", "datetime(6)", true, ColumnType.DateTime, ColumnFlags.None),
        ("tm", "time", "time(6)", true, ColumnType.Time, ColumnFlags.None),
        ("amount", "decimal", "decimal(10,2)", true, ColumnType.NewDecimal, ColumnFlags.None),
        ("s", "varchar", "varchar(300)", true, ColumnType.VarString, ColumnFlags.None),
    ];

    private static readonly string[] DecimalTexts = ["0.00", "12.50", "-99999999.99", "99999999.99", "123456789.01", "1.234", "abc", ""];

    [Fact]
    public void RandomBinaryRowsFillTheSameColumnsAndFailTheSameWayAsFieldByField()
    {
        // Each case is two connections to scripted servers; keep the count small and the rows many.
        var config = Config.QuickThrowOnFailure.WithMaxTest(60);
        var cases = Gen.Choose(0, int.MaxValue).Two().Select(p => (Seed: p.Item1, ZeroDateIsNull: (p.Item2 & 1) == 0));
        Check.One(config, Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var rows = RandomRows(new Random(c.Seed), out var note);
            var options = new TypeMappingOptions
            {
                Time = TimeMapping.Microseconds,
                ZeroDateValue = c.ZeroDateIsNull ? null : new DateOnly(2000, 1, 2),
            };
            var fieldByField = Task.Run(() => ConvertAsync(rows, options, walked: false)).GetAwaiter().GetResult();
            var walked = Task.Run(() => ConvertAsync(rows, options, walked: true)).GetAwaiter().GetResult();
            Assert.True(fieldByField.Rows > 0 || fieldByField.Error is not null, note);
            Assert.Equal(fieldByField.Error, walked.Error);
            Assert.Equal(fieldByField.Columns, walked.Columns);
            if (walked.Error is null)
            {
                Assert.Equal(rows.Count, walked.Rows);
            }
        }));
    }

    [Fact]
    public async Task TruncatedRowFailsWithTheReadersErrorAndKeepsTheRowsBeforeIt()
    {
        var good = Enumerable.Range(1, 5).Select(i => ValidRow(i)).ToList();
        List<byte[]> rows = [.. good, ValidRow(6)[..^1], .. good];
        var options = new TypeMappingOptions { Time = TimeMapping.Microseconds };

        var fieldByField = await ConvertAsync(rows, options, walked: false);
        var walked = await ConvertAsync(rows, options, walked: true);

        Assert.StartsWith("MySqlException: ", walked.Error, StringComparison.Ordinal);
        Assert.Contains("row 6 (", walked.Error, StringComparison.Ordinal);
        Assert.Equal(fieldByField.Error, walked.Error);
        Assert.StartsWith("id 5 rows", walked.Columns[0], StringComparison.Ordinal);
        Assert.Equal(fieldByField.Columns, walked.Columns);
    }

    [Fact]
    public async Task NullInANotNullColumnNamesTheColumnAndLeavesTheSamePartialRow()
    {
        var row = ValidRow(1);
        var nullId = ValidRow(2);
        nullId[1] |= 1 << 2;
        var options = new TypeMappingOptions { Time = TimeMapping.Microseconds };

        // The bitmap marks id NULL but its bytes are still there: the row is malformed as well, and that wins.
        var malformed = await ConvertAsync([row, nullId], options, walked: true);
        Assert.StartsWith("MySqlException: ", malformed.Error, StringComparison.Ordinal);
        Assert.Equal((await ConvertAsync([row, nullId], options, walked: false)).Error, malformed.Error);

        var framed = ValidRow(3, nullId: true);
        var fieldByField = await ConvertAsync([row, framed], options, walked: false);
        var walked = await ConvertAsync([row, framed], options, walked: true);
        Assert.StartsWith("NullInNotNullColumnException: ", walked.Error, StringComparison.Ordinal);
        Assert.Contains("'id'", walked.Error, StringComparison.Ordinal);
        Assert.Equal(fieldByField.Error, walked.Error);
        Assert.Equal(fieldByField.Columns, walked.Columns);
    }

    /// <summary>Mostly well-formed rows with random values (NULLs, zero and impossible dates, out-of-range integers, bad decimals), now and then one cut, lengthened or mis-headed.</summary>
    private static List<byte[]> RandomRows(Random random, out string note)
    {
        var rows = new List<byte[]>();
        var count = random.Next(1, 40);
        var notes = new StringBuilder();
        for (var r = 0; r < count; r++)
        {
            var row = Row(random);
            switch (random.Next(40))
            {
                case 0 when row.Length > 1:
                    row = row[..random.Next(1, row.Length)];
                    notes.Append(CultureInfo.InvariantCulture, $"row {r + 1} cut; ");
                    break;
                case 1:
                    row = [.. row, (byte)random.Next(256)];
                    notes.Append(CultureInfo.InvariantCulture, $"row {r + 1} lengthened; ");
                    break;
                case 2:
                    row[0] = (byte)random.Next(1, 0xFB);
                    notes.Append(CultureInfo.InvariantCulture, $"row {r + 1} header; ");
                    break;
                default:
                    break;
            }

            rows.Add(row);
        }

        note = notes.ToString();
        return rows;
    }

    /// <summary>A row of valid values of every column (<paramref name="nullId"/>: with a NULL id, which is NOT NULL).</summary>
    private static byte[] ValidRow(int id, bool nullId = false)
    {
        byte[] bitmap = [nullId ? (byte)(1 << 2) : (byte)0, 0, 0];
        List<byte> fields = nullId ? [] : [.. BitConverter.GetBytes(id)];
        fields.AddRange([.. BitConverter.GetBytes(-id), .. BitConverter.GetBytes(3_000_000_000u), 7, 0xFF, 0xFF, .. BitConverter.GetBytes(16_000_000)]);
        fields.AddRange([.. BitConverter.GetBytes(5L), .. BitConverter.GetBytes(ulong.MaxValue), .. BitConverter.GetBytes(1.5f), .. BitConverter.GetBytes(-2.25)]);
        fields.AddRange([4, .. BitConverter.GetBytes((ushort)1986), 6, 26, 4, .. BitConverter.GetBytes((ushort)9999), 1, 1]);
        fields.AddRange([7, .. BitConverter.GetBytes((ushort)2024), 2, 29, 23, 59, 58, 8, 1, 2, 0, 0, 0, 3, 4, 5]);
        fields.AddRange([5, .. "12.50"u8.ToArray(), 3, .. "abc"u8.ToArray()]);
        return [0x00, .. bitmap, .. fields];
    }

    /// <summary>
    /// A binary row: 0x00, the NULL bitmap (bit i + 2 for column i), the non-NULL fields; random NULLs, zero and
    /// impossible dates. One row in 30 is wild: values out of range or malformed (a conversion error), so that most
    /// cases also compare many converted rows.
    /// </summary>
    private static byte[] Row(Random random)
    {
        var wild = random.Next(30) == 0;
        var n = Columns.Length;
        var bitmap = new byte[(n + 9) >> 3];
        var fields = new List<byte>();
        for (var i = 0; i < n; i++)
        {
            var isNull = random.Next(12) == 0;
            if (isNull)
            {
                bitmap[(i + 2) >> 3] |= (byte)(1 << ((i + 2) & 7));
                continue;
            }

            fields.AddRange(Field(random, Columns[i].Wire, wild));
        }

        return [0x00, .. bitmap, .. fields];
    }

    private static byte[] Field(Random random, ColumnType wire, bool wild)
    {
        switch (wire)
        {
            case ColumnType.Tiny or ColumnType.Short or ColumnType.Int24 or ColumnType.Long or ColumnType.LongLong or ColumnType.Float or ColumnType.Double:
                {
                    var bytes = new byte[BinaryValueParser.FieldSize(wire)];
                    random.NextBytes(bytes);
                    if (!wild || random.Next(3) == 0)
                    {
                        // Small values too, not only random bit patterns.
                        Array.Clear(bytes, 1, bytes.Length - 1);
                    }

                    return bytes;
                }

            case ColumnType.Date or ColumnType.DateTime:
                return Temporal(random, wire == ColumnType.Date, wild);
            case ColumnType.Time:
                return TimeField(random, wild);
            case ColumnType.NewDecimal:
                return LengthEncoded(Encoding.ASCII.GetBytes(DecimalTexts[random.Next(wild ? DecimalTexts.Length : 4)]));
            default:
                {
                    var text = new byte[random.Next(4) == 0 ? random.Next(251, 300) : random.Next(0, 20)];
                    for (var k = 0; k < text.Length; k++)
                    {
                        text[k] = (byte)random.Next('a', 'z' + 1);
                    }

                    return LengthEncoded(text);
                }
        }
    }

    private static byte[] Temporal(Random random, bool date, bool wild)
    {
        var year = random.Next(10) switch
        {
            0 => 0,
            1 => random.Next(10_000, 65_536),
            _ => random.Next(1, 10_000),
        };
        var month = random.Next(12) == 0 ? random.Next(0, 16) : random.Next(1, 13);
        var day = random.Next(12) == 0 ? random.Next(0, 32) : random.Next(1, 29);
        if (random.Next(3) == 0)
        {
            // Dates that repeat, as a table's do (the walk caches converted dates).
            (year, month, day) = (random.Next(1999, 2001), 2, random.Next(28, 31));
        }

        var parts = new List<byte>();
        parts.AddRange(BitConverter.GetBytes((ushort)year));
        parts.Add((byte)month);
        parts.Add((byte)day);
        var length = random.Next(10) switch
        {
            0 => 0,
            1 => wild ? 5 : 4,
            2 => 7,
            3 => 11,
            _ => date ? 4 : random.Next(2) == 0 ? 7 : 11,
        };
        if (length == 0)
        {
            return [0];
        }

        parts.AddRange([(byte)random.Next(0, 26), (byte)random.Next(0, 61), (byte)random.Next(0, 61)]);
        parts.AddRange(BitConverter.GetBytes(wild && random.Next(3) == 0 ? 1_000_000 : random.Next(0, 1_000_000)));
        return [(byte)length, .. parts.Take(length)];
    }

    private static byte[] TimeField(Random random, bool wild)
    {
        if (random.Next(10) == 0)
        {
            return [0];
        }

        var field = new byte[12];
        field[0] = (byte)random.Next(0, wild ? 3 : 2);
        BinaryPrimitives.WriteUInt32LittleEndian(field.AsSpan(1), (uint)random.Next(0, 40));
        field[5] = (byte)random.Next(0, wild ? 25 : 24);
        field[6] = (byte)random.Next(0, wild ? 61 : 60);
        field[7] = (byte)random.Next(0, wild ? 61 : 60);
        BinaryPrimitives.WriteUInt32LittleEndian(field.AsSpan(8), (uint)random.Next(0, wild ? 1_000_001 : 1_000_000));
        var length = random.Next(3) == 0 ? 8 : wild && random.Next(3) == 0 ? 9 : 12;
        return [(byte)length, .. field[..length]];
    }

    private static byte[] LengthEncoded(byte[] value)
    {
        var prefix = new byte[LengthEncoding.IntegerSize((ulong)value.Length)];
        LengthEncoding.WriteInteger(prefix, (ulong)value.Length);
        return [.. prefix, .. value];
    }

    private sealed record Outcome(long Rows, string? Error, IReadOnlyList<string> Columns);

    /// <summary>
    /// The rows through a prepared statement's reader and a binary converter, field by field (the reader splits every
    /// row, <see cref="RowConverter.AppendSourceValues(MySqlRawRow, ParquetRowBatch)"/>) or walked (split deferred,
    /// the converter reads the rows itself); the column buffers value by value and the error, if any.
    /// </summary>
    private static async Task<Outcome> ConvertAsync(IReadOnlyList<byte[]> rows, TypeMappingOptions options, bool walked)
    {
        var mapping = TypeMapper.Map(Table(), options);
        await using var server = ServerSendingBinaryRows(rows);
        await using var connection = await MySqlConnection.OpenAsync(new MySqlConnectionOptions
        {
            Port = server.Port,
            User = "app",
            Password = "x",
            TlsMode = TlsMode.Preferred,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ReadTimeout = TimeSpan.FromSeconds(10),
            Name = "scripted",
        });
        var statement = await connection.PrepareAsync("SELECT walked rows");
        var converter = RowConverter.ForBinaryRows(mapping, statement.Columns, options);
        Assert.NotNull(converter);
        var batch = new ParquetRowBatch(mapping.ParquetSchema, 2);
        var reader = await statement.ExecuteAsync();
        reader.DeferBinaryFieldSplit = walked;
        long converted = 0;
        string? error = null;
        try
        {
            while (await reader.ReadAsync())
            {
                if (walked)
                {
                    converter.AppendSourceValues(reader, batch);
                    converted += 1 + converter.AppendBufferedSourceValues(reader, batch, 1_000);
                }
                else
                {
                    converter.AppendSourceValues(reader.CurrentRow, batch);
                    converted++;
                }
            }
        }
        catch (Exception e) when (e is MySqlException or InvalidDataException or NullInNotNullColumnException or ArgumentException)
        {
            error = $"{e.GetType().Name}: {e.Message}";
        }

        try
        {
            await reader.DisposeAsync();
        }
        catch (MySqlException)
        {
            // A row cut short broke the connection; the outcome above is what counts.
        }

        var columns = batch.ColumnBuffers[..mapping.Columns.Count].ToArray().Select(Describe).ToList();
        return new Outcome(converted, error, columns);
    }

    /// <summary>A column buffer's values as text, NULLs and the bits of floating point values included.</summary>
    private static string Describe(ParquetColumnBuffer buffer)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{buffer.Column.Name} {buffer.Count} rows {buffer.NullCount} nulls:");
        for (var r = 0; r < buffer.Count; r++)
        {
            var value = buffer.IsNull(r) ? "NULL" : buffer.Column.PhysicalType switch
            {
                ParquetPhysicalType.Int32 => buffer.Int32Values[r].ToString(CultureInfo.InvariantCulture),
                ParquetPhysicalType.Int64 => buffer.Int64Values[r].ToString(CultureInfo.InvariantCulture),
                ParquetPhysicalType.Float => BitConverter.SingleToInt32Bits(buffer.FloatValues[r]).ToString(CultureInfo.InvariantCulture),
                ParquetPhysicalType.Double => BitConverter.DoubleToInt64Bits(buffer.DoubleValues[r]).ToString(CultureInfo.InvariantCulture),
                ParquetPhysicalType.Boolean => buffer.BooleanValues[r] ? "true" : "false",
                _ => "0x" + Convert.ToHexString(buffer.GetBytes(r)),
            };
            text.Append(' ').Append(value);
        }

        return text.ToString();
    }

    private static SourceTable Table() => new()
    {
        Database = "db",
        Name = "walked",
        Columns = Columns.Select((c, i) => new SourceColumn
        {
            Name = c.Name,
            Ordinal = i + 1,
            DataType = c.DataType,
            ColumnType = c.ColumnType,
            IsNullable = c.Nullable,
            NumericPrecision = c.DataType == "decimal" ? 10 : null,
            NumericScale = c.DataType == "decimal" ? 2 : null,
            DatetimePrecision = c.DataType is "datetime" or "time" ? 6 : null,
            CharacterSet = c.DataType == "varchar" ? "utf8mb4" : null,
        }).ToList(),
        KeyColumns = ["id"],
    };

    /// <summary>A server that prepares one statement of <see cref="Columns"/> and answers its execution with <paramref name="rows"/> (then OK).</summary>
    private static ProtocolScriptedServer ServerSendingBinaryRows(IReadOnlyList<byte[]> rows) => ProtocolScriptedServer.Start(async s =>
    {
        await s.AcceptLoginAsync();

        // COM_STMT_PREPARE: STMT_PREPARE_OK (statement 1, the columns, no parameters), then the column definitions.
        await s.ReceiveAsync();
        byte seq = 1;
        byte[] prepareOk = [0x00, 1, 0, 0, 0, (byte)Columns.Length, 0, 0, 0, 0, 0, 0];
        await s.SendAsync(seq++, prepareOk);
        foreach (var c in Columns)
        {
            await s.SendAsync(seq++, Definition(c.Name, c.Wire, c.Flags));
        }

        // COM_STMT_EXECUTE: the column count, the definitions, the rows, OK.
        await s.ReceiveAsync();
        seq = 1;
        await s.SendAsync(seq++, [(byte)Columns.Length]);
        foreach (var c in Columns)
        {
            await s.SendAsync(seq++, Definition(c.Name, c.Wire, c.Flags));
        }

        try
        {
            foreach (var row in rows)
            {
                await s.SendAsync(seq++, row);
            }

            await s.SendAsync(seq, ProtocolScriptedServer.Ok(0xFE));
            await s.ReceiveAsync();
        }
        catch (Exception e) when (e is IOException or EndOfStreamException)
        {
            // The client closes the connection after a malformed row.
        }
    });

    private static byte[] Definition(string name, ColumnType wire, ColumnFlags flags) =>
        ProtocolScriptedServer.ColumnDefinition(name, wire, wire == ColumnType.VarString ? (ushort)45 : (ushort)63, flags);
}
