using System.Data;
using MySqlConnector;

namespace Serverless.Bench;

/// <summary>
/// The same typed scan as <see cref="MySqlTypedResultScan"/> through MySqlConnector, the served ADO.NET driver: every
/// field decoded into the same .NET type (long, decimal, DateTime, double, chars into a reused buffer) and folded into
/// a checksum, so both clients do the same work and the figures compare libraries, not workloads.
/// </summary>
public static class MySqlConnectorResultScan
{
    private enum Decode : byte
    {
        Integer,
        Decimal,
        DateTime,
        Real,
        Text,
    }

    public static async Task<MySqlTypedResultScan.Totals> ReadAllAsync(string sql, CancellationToken cancellationToken = default)
    {
        var options = MySqlBenchData.Connection;
        var builder = new MySqlConnectionStringBuilder
        {
            Server = options.Host,
            Port = (uint)options.Port,
            UserID = options.User,
            Password = options.Password,
            Database = MySqlBenchData.Database,
            SslMode = MySqlSslMode.None,
            // Zero dates come back as DateTime.MinValue instead of throwing, as our accessor returns them.
            AllowZeroDateTime = false,
            ConvertZeroDateTime = true,
            Pooling = false,
        };
        await using var conn = new MySqlConnection(builder.ConnectionString);
        await conn.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(sql, conn);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        var decode = new Decode[reader.FieldCount];
        for (var i = 0; i < decode.Length; i++)
        {
            decode[i] = Classify(reader.GetFieldType(i));
        }

        var chars = new char[1 << 16];
        long rows = 0, idSum = 0, integerSum = 0, charCount = 0;
        decimal decimalSum = 0;
        double realSum = 0;
        long ticks = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            rows++;
            var id = reader.GetInt64(0);
            idSum += id;
            integerSum += id;
            for (var i = 1; i < decode.Length; i++)
            {
                if (reader.IsDBNull(i))
                {
                    continue;
                }

                switch (decode[i])
                {
                    case Decode.Integer:
                        integerSum += reader.GetInt64(i);
                        break;
                    case Decode.Decimal:
                        decimalSum += reader.GetDecimal(i);
                        break;
                    case Decode.DateTime:
                        // DateTime.Microsecond is only the part below the millisecond; ours counts the whole fraction.
                        var dt = reader.GetDateTime(i);
                        ticks += dt.Day + dt.Second + (int)(dt.Ticks / TimeSpan.TicksPerMicrosecond % 1_000_000);
                        break;
                    case Decode.Real:
                        realSum += reader.GetDouble(i);
                        break;
                    default:
                        charCount += reader.GetChars(i, 0, chars, 0, chars.Length);
                        break;
                }
            }
        }

        // MySqlConnector does not expose the raw field bytes; the caller takes the MB figure from our scan of the same rows.
        return new MySqlTypedResultScan.Totals(rows, 0, idSum, (double)decimalSum + realSum + integerSum + ticks + charCount);
    }

    private static Decode Classify(Type type) => type switch
    {
        _ when type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(sbyte)
            || type == typeof(ulong) || type == typeof(uint) || type == typeof(ushort) || type == typeof(byte) => Decode.Integer,
        _ when type == typeof(decimal) => Decode.Decimal,
        _ when type == typeof(DateTime) => Decode.DateTime,
        _ when type == typeof(double) || type == typeof(float) => Decode.Real,
        _ => Decode.Text,
    };
}
