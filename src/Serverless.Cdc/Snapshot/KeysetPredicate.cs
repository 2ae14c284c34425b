using System.Text;
using Serverless.Cdc.Schema;

namespace Serverless.Cdc.Snapshot;

/// <summary>
/// Builds the WHERE clause of a keyset range. <c>(a,b) &gt;= (x,y)</c> is written as
/// <c>a &gt;= x AND (a &gt; x OR (a = x AND b &gt;= y))</c>: the leading conjunct on the first key column gives the
/// optimizer an index range even where it does not use row-value comparisons, and the lower and upper forms are exact
/// complements, so adjacent chunks neither overlap nor leave gaps whatever the collation. A bound may hold fewer values
/// than the key has columns (a prefix, as the planner gives ranges of a leading integer column): it is compared on those
/// columns only, which orders it before every key that starts with it.
/// </summary>
public static class KeysetPredicate
{
    /// <summary>The condition (without WHERE) for [lower, upper), or null when both bounds are open.</summary>
    public static string? Build(IReadOnlyList<SourceColumn> keyColumns, IReadOnlyList<KeyValue>? lower, IReadOnlyList<KeyValue>? upper)
    {
        ArgumentNullException.ThrowIfNull(keyColumns);
        var parts = new List<string>(2);
        if (lower is not null)
        {
            parts.Add(Compare(keyColumns, lower, isLower: true));
        }

        if (upper is not null)
        {
            parts.Add(Compare(keyColumns, upper, isLower: false));
        }

        return parts.Count == 0 ? null : string.Join(" AND ", parts);
    }

    private static string Compare(IReadOnlyList<SourceColumn> columns, IReadOnlyList<KeyValue> bound, bool isLower)
    {
        if (bound.Count == 0 || bound.Count > columns.Count)
        {
            throw new ArgumentException($"A chunk bound has {bound.Count} values but the key has {columns.Count} columns; re-plan the chunks.", nameof(bound));
        }

        var names = columns.Take(bound.Count).Select(KeyColumnKind.PredicateExpression).ToArray();
        var values = bound.Select(v => v.ToSql()).ToArray();
        var strict = isLower ? ">" : "<";
        var last = isLower ? ">=" : "<";
        if (names.Length == 1)
        {
            return $"{names[0]} {last} {values[0]}";
        }

        // a > x OR (a = x AND (b > y OR (b = y AND c >= z)))
        var sb = new StringBuilder();
        sb.Append('(').Append(names[0]).Append(isLower ? " >= " : " <= ").Append(values[0]).Append(" AND ");
        for (var i = 0; i < names.Length; i++)
        {
            if (i == names.Length - 1)
            {
                sb.Append(names[i]).Append(' ').Append(last).Append(' ').Append(values[i]);
            }
            else
            {
                sb.Append('(').Append(names[i]).Append(' ').Append(strict).Append(' ').Append(values[i])
                  .Append(" OR (").Append(names[i]).Append(" = ").Append(values[i]).Append(" AND ");
            }
        }

        for (var i = 0; i < names.Length - 1; i++)
        {
            sb.Append("))");
        }

        return sb.Append(')').ToString();
    }
}
