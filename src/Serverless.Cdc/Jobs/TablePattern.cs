namespace Serverless.Cdc.Jobs;

/// <summary>
/// A glob over <c>db.table</c>: <c>*</c> matches any run of characters, <c>?</c> one character; the part before the
/// first '.' matches the database, the rest the table. Matching is case-sensitive, like table names on Linux servers.
/// </summary>
public sealed record TablePattern
{
    private TablePattern(string text, string database, string table)
    {
        Text = text;
        Database = database;
        Table = table;
    }

    public string Text { get; }

    public string Database { get; }

    public string Table { get; }

    /// <summary>Parses <c>db.table</c>; returns null with <paramref name="problem"/> when the text is not a pattern.</summary>
    public static TablePattern? TryParse(string text, out string? problem)
    {
        problem = null;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == text.Length - 1)
        {
            problem = $"'{text}' is not a 'db.table' pattern";
            return null;
        }

        return new TablePattern(text, text[..dot], text[(dot + 1)..]);
    }

    public bool Matches(string database, string table) => Glob(Database, database) && Glob(Table, table);

    /// <summary>Iterative glob match with single backtracking point: linear in practice, no recursion.</summary>
    internal static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    public override string ToString() => Text;
}
