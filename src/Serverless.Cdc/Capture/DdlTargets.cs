namespace Serverless.Cdc.Capture;

/// <summary>
/// The tables a DDL statement from the binlog changes, read from its text: CREATE/ALTER/DROP/RENAME/TRUNCATE TABLE and
/// CREATE/DROP INDEX name their tables (ALTER … RENAME TO and RENAME TABLE both names); DROP DATABASE names a whole
/// database. Unqualified names belong to the statement's default database. Anything else (CREATE DATABASE, GRANT,
/// views, routines) changes no table and gives nothing. Only names are read: what the statement does to a table is the
/// writer's business in a later round.
/// </summary>
public sealed record DdlTargets(IReadOnlyList<(string Database, string Table)> Tables, string? DroppedDatabase)
{
    public static readonly DdlTargets None = new([], null);

    public bool IsEmpty => Tables.Count == 0 && DroppedDatabase is null;

    /// <summary>The statement creates its table (CREATE TABLE), so the table's schema versions start with it.</summary>
    public bool CreatesTable { get; init; }

    public static DdlTargets Parse(string sql, string defaultDatabase)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var t = new DdlTokens(sql);
        var tables = new List<(string, string)>();
        if (t.TakeWord("CREATE"))
        {
            t.TakeWords("OR", "REPLACE");
            t.TakeWord("TEMPORARY");
            if (t.TakeWord("TABLE"))
            {
                t.TakeWords("IF", "NOT", "EXISTS");
                AddName(t, defaultDatabase, tables);
                return tables.Count == 0 ? None : new DdlTargets(tables, null) { CreatesTable = true };
            }
            else
            {
                t.TakeWord("UNIQUE");
                t.TakeWord("FULLTEXT");
                t.TakeWord("SPATIAL");
                if (t.TakeWord("INDEX") && t.SkipToWord("ON"))
                {
                    AddName(t, defaultDatabase, tables);
                }
            }
        }
        else if (t.TakeWord("ALTER"))
        {
            t.TakeWord("ONLINE");
            t.TakeWord("IGNORE");
            if (t.TakeWord("TABLE"))
            {
                t.TakeWords("IF", "EXISTS");
                AddName(t, defaultDatabase, tables);
                if (t.SkipToWord("RENAME") && !t.PeekWord("COLUMN") && !t.PeekWord("INDEX") && !t.PeekWord("KEY") && !t.PeekWord("CONSTRAINT"))
                {
                    if (!t.TakeWord("TO"))
                    {
                        t.TakeWord("AS");
                    }

                    AddName(t, defaultDatabase, tables);
                }
            }
        }
        else if (t.TakeWord("DROP"))
        {
            t.TakeWord("TEMPORARY");
            if (t.TakeWord("TABLE"))
            {
                t.TakeWords("IF", "EXISTS");
                do
                {
                    AddName(t, defaultDatabase, tables);
                }
                while (t.TakeSymbol(','));
            }
            else if (t.TakeWord("DATABASE") || t.TakeWord("SCHEMA"))
            {
                t.TakeWords("IF", "EXISTS");
                return t.Identifier() is { } database ? new DdlTargets([], database) : None;
            }
            else if (t.TakeWord("INDEX") && t.SkipToWord("ON"))
            {
                AddName(t, defaultDatabase, tables);
            }
        }
        else if (t.TakeWord("RENAME"))
        {
            if (t.TakeWord("TABLE"))
            {
                do
                {
                    AddName(t, defaultDatabase, tables);
                    t.TakeWord("TO");
                    AddName(t, defaultDatabase, tables);
                }
                while (t.TakeSymbol(','));
            }
        }
        else if (t.TakeWord("TRUNCATE"))
        {
            t.TakeWord("TABLE");
            AddName(t, defaultDatabase, tables);
        }

        return tables.Count == 0 ? None : new DdlTargets(tables.Distinct().ToArray(), null);
    }

    private static void AddName(DdlTokens t, string defaultDatabase, List<(string, string)> tables)
    {
        var first = t.Identifier();
        if (first is null)
        {
            return;
        }

        if (t.TakeSymbol('.') && t.Identifier() is { } table)
        {
            tables.Add((first, table));
        }
        else if (defaultDatabase.Length > 0)
        {
            tables.Add((defaultDatabase, first));
        }
    }
}
