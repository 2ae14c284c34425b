using Serverless.MySql.Binlog;
using Serverless.MySql.Replication;

namespace Serverless.Bench;

/// <summary>
/// Streams a binlog range with our replication stream and decodes every column of both row images with the typed
/// accessor of its <see cref="ColumnValueKind"/> (strings into a reused char buffer), folding values into a checksum.
/// Counts the UPDATE row changes of the benchmark table, which must equal the number of rows the range updated.
/// </summary>
public static class MySqlTypedBinlogScan
{
    public sealed record Totals(long UpdatesOfTable, long RowChanges, long Transactions, double Checksum);

    /// <summary>Reads the range (or only its first <paramref name="maxRowChanges"/> row changes, to warm up the JIT).</summary>
    public static async Task<Totals> ReadRangeAsync(MySqlBinlogRange range, uint serverId, long maxRowChanges = long.MaxValue, CancellationToken cancellationToken = default)
    {
        var options = new BinlogReplicationOptions
        {
            Connection = MySqlBenchData.Connection with { Name = "bench-binlog" },
            ServerId = serverId,
            StartPosition = new BinlogPosition(range.FileName, range.Start),
            StopAtEnd = true,
        };
        await using var stream = new BinlogReplicationStream(options);
        var chars = new char[1 << 16];
        long updates = 0, changes = 0, transactions = 0, integerSum = 0, ticks = 0, charCount = 0;
        double realSum = 0, decimalSum = 0;
        await foreach (var e in stream.ReadAsync(cancellationToken))
        {
            if (e is RowChange row)
            {
                changes++;
                if (row.Kind == RowChangeKind.Update && row.TableName == MySqlBenchData.UpdatedTable && row.DatabaseName == MySqlBenchData.Database)
                {
                    updates++;
                }

                Fold(row.Before, chars, ref integerSum, ref ticks, ref charCount, ref realSum, ref decimalSum);
                Fold(row.After, chars, ref integerSum, ref ticks, ref charCount, ref realSum, ref decimalSum);
            }
            else if (e is TransactionCommit)
            {
                transactions++;
            }

            // The range is one closed file: stop at its end position (later events belong to other clients).
            var read = stream.ReadPosition;
            if (read.FileName != range.FileName || read.EventOffset >= range.End || changes >= maxRowChanges)
            {
                break;
            }
        }

        return new Totals(updates, changes, transactions, integerSum + ticks + charCount + realSum + decimalSum);
    }

    private static void Fold(ReadOnlySpan<ColumnValue> values, char[] chars, ref long integerSum, ref long ticks, ref long charCount, ref double realSum, ref double decimalSum)
    {
        foreach (ref readonly var v in values)
        {
            switch (v.Kind)
            {
                case ColumnValueKind.Null:
                    break;
                case ColumnValueKind.Int64 or ColumnValueKind.Year or ColumnValueKind.Enum:
                    integerSum += v.GetInt64();
                    break;
                case ColumnValueKind.UInt64 or ColumnValueKind.Bit or ColumnValueKind.Set:
                    integerSum += unchecked((long)v.GetUInt64());
                    break;
                case ColumnValueKind.Double or ColumnValueKind.Single:
                    realSum += v.GetDouble();
                    break;
                case ColumnValueKind.Decimal:
                    decimalSum += (double)v.GetDecimal().ToDecimal();
                    break;
                case ColumnValueKind.Date or ColumnValueKind.DateTime:
                    var dt = v.GetDateTime();
                    ticks += dt.Day + dt.Second + dt.Microsecond;
                    break;
                case ColumnValueKind.Timestamp:
                    ticks += v.GetTimestampMicroseconds();
                    break;
                case ColumnValueKind.Time:
                    ticks += v.GetTime().Ticks;
                    break;
                case ColumnValueKind.String:
                    var encoding = MySqlCharsets.EncodingOf(v.Collation);
                    var bytes = v.Bytes.Span;
                    if (encoding.GetMaxCharCount(bytes.Length) > chars.Length)
                    {
                        charCount += v.GetString().Length;
                    }
                    else
                    {
                        charCount += encoding.GetChars(bytes, chars);
                    }

                    break;
                default:
                    charCount += v.Bytes.Length;
                    break;
            }
        }
    }
}
