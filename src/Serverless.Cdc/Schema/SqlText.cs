using System.Text;

namespace Serverless.Cdc.Schema;

/// <summary>Quoting for identifiers and literals in statements the pipeline builds (never user-supplied SQL).</summary>
public static class SqlText
{
    /// <summary>`name` with backticks doubled.</summary>
    public static string Identifier(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";
    }

    /// <summary>`db`.`table`.</summary>
    public static string Table(string database, string table) => Identifier(database) + "." + Identifier(table);

    /// <summary>A string literal safe under any sql_mode (quotes doubled, backslashes escaped, NUL and control bytes escaped).</summary>
    public static string String(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('\'');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\'': sb.Append("''"); break;
                case '\\': sb.Append("\\\\"); break;
                case '\0': sb.Append("\\0"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\u001a': sb.Append("\\Z"); break;
                default: sb.Append(c); break;
            }
        }

        return sb.Append('\'').ToString();
    }

    /// <summary>X'..' hex literal for bytes.</summary>
    public static string Hex(ReadOnlySpan<byte> value) => value.IsEmpty ? "X''" : "X'" + Convert.ToHexString(value) + "'";
}
