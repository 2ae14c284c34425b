using Serverless.Cdc.Snapshot;

namespace Serverless.Cdc.Verify;

/// <summary>
/// A key range [<see cref="Lower"/>, <see cref="Upper"/>) compared as a whole: its bounds as SQL literals for the
/// source's keyset predicate and as <see cref="KeyPart"/>s for placing lake rows. A null bound is open.
/// </summary>
internal sealed record KeyRange(IReadOnlyList<KeyValue>? Lower, IReadOnlyList<KeyValue>? Upper, KeyPart[]? LowerParts, KeyPart[]? UpperParts)
{
    public bool Contains(KeyPart[] key) =>
        (LowerParts is null || KeyPart.CompareToBound(key, LowerParts) >= 0) && (UpperParts is null || KeyPart.CompareToBound(key, UpperParts) < 0);

    /// <summary>Orders ranges by their lower bound (open first); ranges handled together never overlap.</summary>
    public static int CompareLower(KeyRange a, KeyRange b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.LowerParts is null || b.LowerParts is null)
        {
            return (a.LowerParts is null ? 0 : 1) - (b.LowerParts is null ? 0 : 1);
        }

        var n = Math.Min(a.LowerParts.Length, b.LowerParts.Length);
        for (var i = 0; i < n; i++)
        {
            var c = a.LowerParts[i].CompareTo(b.LowerParts[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return a.LowerParts.Length.CompareTo(b.LowerParts.Length);
    }

    public override string ToString() =>
        $"[{(Lower is null ? "-inf" : "(" + string.Join(", ", Lower) + ")")}, {(Upper is null ? "+inf" : "(" + string.Join(", ", Upper) + ")")})";
}
