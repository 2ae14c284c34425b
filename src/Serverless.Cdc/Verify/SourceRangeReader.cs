using System.Globalization;
using Serverless.Cdc.Schema;
using Serverless.Cdc.Snapshot;
using Serverless.MySql.Client;

namespace Serverless.Cdc.Verify;

/// <summary>
/// The source side of a verification: one connection holding one consistent read view for every query of one pass over
/// a table, so all its ranges are compared at the same source position. Queries are key-range predicates on the key's
/// index (the snapshot's <see cref="KeysetPredicate"/>), one at a time, and return aggregates or canonical fields only:
/// <c>SELECT COUNT(*), BIT_XOR(crc), SUM(crc) FROM t FORCE INDEX (key) WHERE range</c> per range,
/// <c>SELECT MIN(k1), MAX(k1) ... WHERE range</c> to split one, and the canonical fields of a narrowed range's rows.
/// </summary>
internal sealed class SourceRangeReader
{
    private readonly MySqlConnection connection;
    private readonly SourceTable table;
    private readonly IReadOnlyList<CanonicalColumn> columns;
    private readonly IReadOnlyList<SourceColumn> keys;
    private readonly string from;
    private readonly string checksum;

    public SourceRangeReader(MySqlConnection connection, SourceTable table, IReadOnlyList<CanonicalColumn> columns)
    {
        this.connection = connection;
        this.table = table;
        this.columns = columns;
        keys = table.KeyColumnDefinitions();
        from = SqlText.Table(table.Database, table.Name) + (table.KeyIndex is null ? string.Empty : $" FORCE INDEX ({SqlText.Identifier(table.KeyIndex)})");
        checksum = CanonicalRow.ChecksumSql(columns);
    }

    /// <summary>
    /// Starts the read view every later query of this reader sees, and returns its binlog position when the server
    /// reports one (MariaDB and Percona: <c>binlog_snapshot_file/position</c> of the consistent snapshot), else null.
    /// </summary>
    public async Task<string?> BeginReadViewAsync(CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", cancellationToken).ConfigureAwait(false);
        var status = await connection.QueryTextRowsAsync("SHOW STATUS LIKE 'binlog_snapshot_%'", cancellationToken).ConfigureAwait(false);
        var file = status.FirstOrDefault(r => string.Equals(r[0], "Binlog_snapshot_file", StringComparison.OrdinalIgnoreCase))?[1];
        var offset = status.FirstOrDefault(r => string.Equals(r[0], "Binlog_snapshot_position", StringComparison.OrdinalIgnoreCase))?[1];
        return string.IsNullOrEmpty(file) || string.IsNullOrEmpty(offset) ? null : $"{file}:{offset}";
    }

    public Task EndReadViewAsync(CancellationToken cancellationToken) => connection.ExecuteAsync("COMMIT", cancellationToken);

    public async Task<RangeChecksum> ChecksumAsync(KeyRange range, CancellationToken cancellationToken)
    {
        var c = checksum;
        var rows = await connection.QueryTextRowsAsync($"SELECT COUNT(*), COALESCE(BIT_XOR({c}), 0), COALESCE(SUM({c}), 0) FROM {from}{Where(range)}", cancellationToken).ConfigureAwait(false);
        var r = rows[0];
        return new RangeChecksum(
            long.Parse(r[0]!, CultureInfo.InvariantCulture),
            uint.Parse(r[1]!, CultureInfo.InvariantCulture),
            ulong.Parse(r[2]!, CultureInfo.InvariantCulture));
    }

    /// <summary>MIN and MAX of the (integer) first key column in the range, or nulls when it holds no rows.</summary>
    public async Task<(Int128? Min, Int128? Max)> LeadingBoundsAsync(KeyRange range, CancellationToken cancellationToken)
    {
        var k = SqlText.Identifier(keys[0].Name);
        var rows = await connection.QueryTextRowsAsync($"SELECT MIN({k}), MAX({k}) FROM {from}{Where(range)}", cancellationToken).ConfigureAwait(false);
        return rows[0][0] is { } min && rows[0][1] is { } max
            ? (Int128.Parse(min, CultureInfo.InvariantCulture), Int128.Parse(max, CultureInfo.InvariantCulture))
            : (null, null);
    }

    /// <summary>The canonical fields (<see cref="CanonicalColumn"/>, in column order) of every row in the range.</summary>
    public async Task<IReadOnlyList<string?[]>> RowsAsync(KeyRange range, CancellationToken cancellationToken)
    {
        var select = string.Join(", ", columns.Select(c => c.SqlExpression));
        return await connection.QueryTextRowsAsync($"SELECT {select} FROM {from}{Where(range)}", cancellationToken).ConfigureAwait(false);
    }

    private string Where(KeyRange range) => KeysetPredicate.Build(keys, range.Lower, range.Upper) is { } where ? " WHERE " + where : string.Empty;

    public override string ToString() => table.QualifiedName;
}
