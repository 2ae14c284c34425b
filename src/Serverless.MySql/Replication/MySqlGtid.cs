using System.Globalization;

namespace Serverless.MySql.Replication;

/// <summary>One MySQL global transaction id: the originating server's UUID and its transaction number (<c>uuid:n</c>).</summary>
public readonly record struct MySqlGtid(Guid ServerUuid, long TransactionNumber)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ServerUuid:D}:{TransactionNumber}");

    public static MySqlGtid Parse(string text)
    {
        var colon = text.IndexOf(':');
        if (colon < 0 || !Guid.TryParse(text.AsSpan(0, colon), out var uuid) ||
            !long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            throw new FormatException($"'{text}' is not a MySQL GTID; expected 'server_uuid:transaction_number', e.g. '3e11fa47-71ca-11e1-9e33-c80aa9429562:23'.");
        }

        return new MySqlGtid(uuid, number);
    }
}
