namespace Serverless.MySql.Replication;

/// <summary>
/// Where to restart the stream: the start of the transaction that was being delivered (a binlog dump can only start at a
/// transaction boundary), the last change already delivered within it (skipped on resume), and the MariaDB GTID state
/// before that transaction when streaming by GTID.
/// </summary>
public readonly record struct ReplicationResumePoint(BinlogPosition TransactionStart, BinlogPosition LastDelivered, string? GtidStateBefore = null)
{
    /// <summary>Start of a stream at a file position with nothing delivered yet.</summary>
    public static ReplicationResumePoint At(BinlogPosition position) => new(position, default);

    public bool IsEmpty => TransactionStart.IsEmpty;

    /// <summary><c>transactionStart|lastDelivered|gtidState</c>, e.g. <c>bin.000002:900:0|bin.000002:1500:3|0-1-17</c>.</summary>
    public override string ToString() => $"{TransactionStart}|{LastDelivered}|{GtidStateBefore}";

    public static ReplicationResumePoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('|');
        if (parts.Length != 3)
        {
            throw new FormatException($"'{text}' is not a resume point; expected 'transactionStart|lastDelivered|gtidState'.");
        }

        return new ReplicationResumePoint(
            BinlogPosition.Parse(parts[0]),
            parts[1].Length == 0 ? default : BinlogPosition.Parse(parts[1]),
            parts[2].Length == 0 ? null : parts[2]);
    }
}
