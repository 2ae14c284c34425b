using System.Text;
using System.Text.RegularExpressions;

namespace Serverless.Cdc.Preflight;

/// <summary>
/// The privileges SHOW GRANTS lists for the connected user, by level: global (<c>*.*</c>), database (<c>`db`.*</c>,
/// whose name may hold LIKE wildcards) and table (<c>`db`.`t`</c>). Column-level grants do not count as SELECT on
/// the table (a snapshot reads every column). Role grants are recorded so a fix can mention them.
/// </summary>
public sealed partial class GrantSet
{
    private readonly HashSet<string> global = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Pattern, HashSet<string> Privileges)> databases = [];
    private readonly List<(string Database, string Table, HashSet<string> Privileges)> tables = [];

    public IReadOnlyCollection<string> GlobalPrivileges => global;

    public IReadOnlyList<string> Roles { get; private set; } = [];

    public static GrantSet Parse(IEnumerable<string> grantLines)
    {
        ArgumentNullException.ThrowIfNull(grantLines);
        var set = new GrantSet();
        var roles = new List<string>();
        foreach (var line in grantLines)
        {
            var m = GrantRegex().Match(line);
            if (!m.Success)
            {
                var role = RoleRegex().Match(line);
                if (role.Success)
                {
                    roles.Add(Unquote(role.Groups["role"].Value));
                }

                continue;
            }

            var privileges = SplitPrivileges(m.Groups["privs"].Value);
            var obj = m.Groups["obj"].Value;
            var (db, table) = SplitObject(obj);
            if (db == "*" && table == "*")
            {
                set.global.UnionWith(privileges);
            }
            else if (table == "*")
            {
                set.databases.Add((db, new HashSet<string>(privileges, StringComparer.OrdinalIgnoreCase)));
            }
            else
            {
                set.tables.Add((db, table, new HashSet<string>(privileges, StringComparer.OrdinalIgnoreCase)));
            }
        }

        set.Roles = roles;
        return set;
    }

    /// <summary>True when the global level holds <paramref name="privilege"/> (or ALL PRIVILEGES).</summary>
    public bool HasGlobal(string privilege) => Holds(global, privilege);

    /// <summary>True when any alternative is held globally.</summary>
    public bool HasAnyGlobal(params string[] alternatives) => alternatives.Any(HasGlobal);

    public bool CanSelect(string database, string table)
    {
        if (HasGlobal("SELECT"))
        {
            return true;
        }

        foreach (var (pattern, privileges) in databases)
        {
            if (Holds(privileges, "SELECT") && LikeMatches(pattern, database))
            {
                return true;
            }
        }

        foreach (var (db, t, privileges) in tables)
        {
            if (Holds(privileges, "SELECT") && string.Equals(db, database, StringComparison.Ordinal) && string.Equals(t, table, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Holds(HashSet<string> privileges, string privilege) =>
        privileges.Contains(privilege) || privileges.Contains("ALL PRIVILEGES") || privileges.Contains("ALL");

    private static List<string> SplitPrivileges(string text)
    {
        var result = new List<string>();
        var depth = 0;
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                Add();
                continue;
            }

            current.Append(c);
        }

        Add();
        return result;

        void Add()
        {
            var p = current.ToString().Trim();
            current.Clear();

            // Column-level grants ("SELECT (a, b)") are not table-wide privileges.
            if (p.Length > 0 && !p.Contains('(', StringComparison.Ordinal))
            {
                result.Add(WhitespaceRegex().Replace(p, " ").ToUpperInvariant());
            }
        }
    }

    private static (string Database, string Table) SplitObject(string obj)
    {
        // `db`.`table`, `db`.*, *.*, possibly with backticks doubled inside names.
        var parts = new List<string>();
        var i = 0;
        while (i < obj.Length)
        {
            if (obj[i] == '`')
            {
                var sb = new StringBuilder();
                i++;
                while (i < obj.Length)
                {
                    if (obj[i] == '`' && i + 1 < obj.Length && obj[i + 1] == '`')
                    {
                        sb.Append('`');
                        i += 2;
                    }
                    else if (obj[i] == '`')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        sb.Append(obj[i++]);
                    }
                }

                parts.Add(sb.ToString());
            }
            else
            {
                var start = i;
                while (i < obj.Length && obj[i] != '.')
                {
                    i++;
                }

                parts.Add(obj[start..i]);
            }

            if (i < obj.Length && obj[i] == '.')
            {
                i++;
            }
        }

        return parts.Count >= 2 ? (parts[0], parts[1]) : (parts.Count == 1 ? parts[0] : "*", "*");
    }

    /// <summary>MySQL database-level grant names match like LIKE: '%' any run, '_' one character, '\' escapes.</summary>
    internal static bool LikeMatches(string pattern, string name)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                regex.Append(Regex.Escape(pattern[++i].ToString()));
            }
            else if (c == '%')
            {
                regex.Append(".*");
            }
            else if (c == '_')
            {
                regex.Append('.');
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return Regex.IsMatch(name, regex.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static string Unquote(string name) => name.Trim('`', '\'').Replace("``", "`", StringComparison.Ordinal);

    [GeneratedRegex(@"^GRANT\s+(?<privs>.+?)\s+ON\s+(?:(?:TABLE|FUNCTION|PROCEDURE|PACKAGE(?:\s+BODY)?)\s+)?(?<obj>(?:`(?:[^`]|``)*`|[^\s.`]+)\.(?:`(?:[^`]|``)*`|[^\s`]+))\s+TO\s", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex GrantRegex();

    [GeneratedRegex(@"^GRANT\s+(?<role>`(?:[^`]|``)*`|'[^']*'|\S+)\s+TO\s", RegexOptions.IgnoreCase)]
    private static partial Regex RoleRegex();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRegex();
}
