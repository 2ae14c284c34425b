using Serverless.MySql.Client;
using Serverless.MySql.Protocol;

namespace Serverless.Bench;

/// <summary>
/// Streams a query (<c>SELECT * FROM table</c>) with our client and decodes every field with its typed accessor (integers,
/// System.Decimal, date/time, double, text into a reused char buffer), folding the values into a checksum so the work
/// cannot be skipped. Also counts the field bytes received, the MB figure of the report. With <c>binary</c> the query
/// runs as a prepared statement, so its rows come in the binary protocol.
/// </summary>
public static class MySqlTypedResultScan
{
    public sealed record Totals(long Rows, long FieldBytes, long IdSum, double Checksum);

    private enum Decode : byte
    {
        Integer,
        Decimal,
        DateTime,
        Real,
        Text,
    }

    public static async Task<Totals> ReadAllAsync(string sql, bool binary = false, CancellationToken cancellationToken = default)
    {
        await using var conn = await MySqlConnection.OpenAsync(MySqlBenchData.Connection with { Database = MySqlBenchData.Database }, cancellationToken: cancellationToken);
        await using var statement = binary ? await conn.PrepareAsync(sql, cancellationToken) : null;
        await using var reader = statement is null ? await conn.QueryAsync(sql, cancellationToken) : await statement.ExecuteAsync(cancellationToken);
        var decode = new Decode[reader.FieldCount];
        for (var i = 0; i < decode.Length; i++)
        {
            decode[i] = Classify(reader.Columns[i]);
        }

        var chars = new char[1 << 16];
        long rows = 0, bytes = 0, idSum = 0, integerSum = 0, charCount = 0;
        decimal decimalSum = 0;
        double realSum = 0;
        long ticks = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            rows++;
            idSum += reader.GetInt64(0);
            for (var i = 0; i < decode.Length; i++)
            {
                if (reader.IsDBNull(i))
                {
                    continue;
                }

                bytes += reader.GetRawBytes(i).Length;
                switch (decode[i])
                {
                    case Decode.Integer:
                        integerSum += reader.GetInt64(i);
                        break;
                    case Decode.Decimal:
                        decimalSum += reader.GetDecimal(i);
                        break;
                    case Decode.DateTime:
                        var dt = reader.GetMySqlDateTime(i);
                        ticks += dt.Day + dt.Second + dt.Microsecond;
                        break;
                    case Decode.Real:
                        realSum += reader.GetDouble(i);
                        break;
                    default:
                        if (reader.GetMaxCharCount(i) > chars.Length)
                        {
                            chars = new char[reader.GetMaxCharCount(i)];
                        }

                        charCount += reader.GetChars(i, chars);
                        break;
                }
            }
        }

        return new Totals(rows, bytes, idSum, (double)decimalSum + realSum + integerSum + ticks + charCount);
    }

    private static Decode Classify(MySqlColumn column) => column.Type switch
    {
        ColumnType.Tiny or ColumnType.Short or ColumnType.Int24 or ColumnType.Long or ColumnType.LongLong or ColumnType.Year => Decode.Integer,
        ColumnType.Decimal or ColumnType.NewDecimal => Decode.Decimal,
        ColumnType.Date or ColumnType.NewDate or ColumnType.DateTime or ColumnType.DateTime2 or ColumnType.Timestamp or ColumnType.Timestamp2 => Decode.DateTime,
        ColumnType.Float or ColumnType.Double => Decode.Real,
        _ => Decode.Text,
    };
}
