using System.Diagnostics;

namespace Serverless.MySql.Client;

/// <summary>Called for each row; the reader is positioned on it and its bytes are valid only during the call.</summary>
public delegate void MySqlRowHandler(MySqlResultReader row);

/// <summary>What one bulk read moved: rows, bytes received from the server (protocol framing included) and time.</summary>
public readonly record struct MySqlStreamSummary(long Rows, long BytesReceived, TimeSpan Elapsed)
{
    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? Rows / Elapsed.TotalSeconds : 0;

    public double MegabytesPerSecond => Elapsed > TimeSpan.Zero ? BytesReceived / 1e6 / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Bulk reads for snapshots and benchmarks: stream every row of a query or a table through a callback, with no
/// per-row await while rows are already in the receive buffer.
/// </summary>
public static class MySqlTableStream
{
    /// <summary>Streams <c>SELECT * FROM `schema`.`table`</c> (optionally with a WHERE clause, e.g. a key range).</summary>
    public static Task<MySqlStreamSummary> StreamTableAsync(
        this MySqlConnection connection, string schema, string table, MySqlRowHandler onRow, string? where = null, CancellationToken cancellationToken = default)
    {
        var sql = $"SELECT * FROM {QuoteIdentifier(schema)}.{QuoteIdentifier(table)}" + (where is null ? string.Empty : " WHERE " + where);
        return connection.StreamQueryAsync(sql, onRow, cancellationToken);
    }

    /// <summary>Streams every row of every result of <paramref name="sql"/> through <paramref name="onRow"/>.</summary>
    public static async Task<MySqlStreamSummary> StreamQueryAsync(
        this MySqlConnection connection, string sql, MySqlRowHandler onRow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(onRow);
        var bytesBefore = connection.BytesReceived;
        var watch = Stopwatch.StartNew();
        long rows = 0;
        var reader = await connection.QueryAsync(sql, cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            do
            {
                while (true)
                {
                    while (reader.TryReadBufferedRow())
                    {
                        onRow(reader);
                        rows++;
                    }

                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }

                    onRow(reader);
                    rows++;
                }
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        }

        return new MySqlStreamSummary(rows, connection.BytesReceived - bytesBefore, watch.Elapsed);
    }

    /// <summary>Quotes an identifier with backticks (doubling any backtick inside).</summary>
    public static string QuoteIdentifier(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";
    }
}
