using System.Globalization;

namespace Serverless.MySql.Replication;

/// <summary>A MariaDB global transaction id <c>domain-server-sequence</c>, e.g. <c>0-1-270</c>.</summary>
public readonly record struct MariaDbGtid(uint DomainId, uint ServerId, ulong SequenceNumber)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{DomainId}-{ServerId}-{SequenceNumber}");

    public static MariaDbGtid Parse(string text)
    {
        if (!TryParse(text, out var gtid))
        {
            throw new FormatException($"'{text}' is not a MariaDB GTID; expected 'domain-server-sequence', e.g. '0-1-270'.");
        }

        return gtid;
    }

    public static bool TryParse(ReadOnlySpan<char> text, out MariaDbGtid gtid)
    {
        gtid = default;
        text = text.Trim();
        var first = text.IndexOf('-');
        if (first <= 0)
        {
            return false;
        }

        var rest = text[(first + 1)..];
        var second = rest.IndexOf('-');
        if (second <= 0)
        {
            return false;
        }

        if (!uint.TryParse(text[..first], NumberStyles.None, CultureInfo.InvariantCulture, out var domain) ||
            !uint.TryParse(rest[..second], NumberStyles.None, CultureInfo.InvariantCulture, out var server) ||
            !ulong.TryParse(rest[(second + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        gtid = new MariaDbGtid(domain, server, sequence);
        return true;
    }
}
