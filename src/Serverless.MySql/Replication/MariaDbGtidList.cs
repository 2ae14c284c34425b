using System.Text;

namespace Serverless.MySql.Replication;

/// <summary>
/// A MariaDB GTID position: the last GTID per replication domain, as in <c>@@gtid_current_pos</c> and the
/// <c>@slave_connect_state</c> a replica sends to start streaming (<c>0-1-100,1-2-7</c>). Domains are kept in order.
/// </summary>
public sealed class MariaDbGtidList : IEquatable<MariaDbGtidList>
{
    private readonly SortedDictionary<uint, MariaDbGtid> lastByDomain = [];

    public MariaDbGtidList()
    {
    }

    public MariaDbGtidList(IEnumerable<MariaDbGtid> gtids)
    {
        ArgumentNullException.ThrowIfNull(gtids);
        foreach (var gtid in gtids)
        {
            if (!lastByDomain.TryAdd(gtid.DomainId, gtid))
            {
                throw new ArgumentException($"GTID list names domain {gtid.DomainId} twice; a position holds one GTID per domain.", nameof(gtids));
            }
        }
    }

    public int Count => lastByDomain.Count;

    public IEnumerable<MariaDbGtid> Gtids => lastByDomain.Values;

    public MariaDbGtid? LastOf(uint domainId) => lastByDomain.TryGetValue(domainId, out var gtid) ? gtid : null;

    /// <summary>Records <paramref name="gtid"/> as the newest transaction of its domain.</summary>
    public void Advance(MariaDbGtid gtid) => lastByDomain[gtid.DomainId] = gtid;

    /// <summary>True when the transaction is at or before this position in its domain (sequence numbers grow per domain).</summary>
    public bool Contains(MariaDbGtid gtid) =>
        lastByDomain.TryGetValue(gtid.DomainId, out var last) && last.SequenceNumber >= gtid.SequenceNumber;

    public MariaDbGtidList Clone() => new(lastByDomain.Values);

    /// <summary>Parses <c>0-1-100,1-2-7</c>; an empty string is the empty position (stream from the first binlog).</summary>
    public static MariaDbGtidList Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new MariaDbGtidList();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!MariaDbGtid.TryParse(part, out var gtid))
            {
                throw new FormatException($"'{part}' in GTID list '{text}' is not 'domain-server-sequence'.");
            }

            if (!list.lastByDomain.TryAdd(gtid.DomainId, gtid))
            {
                throw new FormatException($"GTID list '{text}' names domain {gtid.DomainId} twice.");
            }
        }

        return list;
    }

    /// <summary>The text form, which is also the value for <c>SET @slave_connect_state = '...'</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var gtid in lastByDomain.Values)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(gtid.ToString());
        }

        return sb.ToString();
    }

    public bool Equals(MariaDbGtidList? other) => other is not null && lastByDomain.Values.SequenceEqual(other.lastByDomain.Values);

    public override bool Equals(object? obj) => Equals(obj as MariaDbGtidList);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());
}
