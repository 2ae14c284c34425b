namespace Serverless.Cdc.Schema.Evolution;

/// <summary>The kinds of token <see cref="DdlLexer"/> gives.</summary>
internal enum DdlTokenKind
{
    /// <summary>A bare word: keyword, unquoted identifier or number.</summary>
    Word,

    /// <summary>A `backquoted` identifier (its text without the quotes, `` undoubled).</summary>
    QuotedName,

    /// <summary>A '...' or "..." string (its text without quotes and escapes).</summary>
    Text,

    /// <summary>One punctuation character.</summary>
    Symbol,
}

/// <summary>One token of a DDL statement, with where it is in the text (for quoting a clause back in messages).</summary>
internal readonly record struct DdlToken(DdlTokenKind Kind, string Text, int Start, int End)
{
    public bool IsWord(string keyword) => Kind == DdlTokenKind.Word && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(char symbol) => Kind == DdlTokenKind.Symbol && Text[0] == symbol;

    /// <summary>A name as the statement spells it: a bare word or a `quoted` identifier.</summary>
    public bool IsName => Kind is DdlTokenKind.Word or DdlTokenKind.QuotedName;
}

/// <summary>
/// Splits DDL text as MySQL and MariaDB write it to the binlog into tokens: comments (<c>/* */</c>, <c>-- </c>, <c>#</c>) are
/// dropped, while the body of an executable comment (<c>/*!50100 ... */</c>, <c>/*M!100301 ... */</c>) is read as statement
/// text, the way the server reads it.
/// </summary>
internal static class DdlLexer
{
    public static List<DdlToken> Tokenize(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var tokens = new List<DdlToken>();
        var i = 0;
        var executableComments = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '/' && Peek(sql, i + 1) == '*')
            {
                if (Peek(sql, i + 2) == '!' || (Peek(sql, i + 2) == 'M' && Peek(sql, i + 3) == '!'))
                {
                    // Executable comment: its version number is skipped and its body is statement text.
                    i += Peek(sql, i + 2) == '!' ? 3 : 4;
                    while (i < sql.Length && char.IsAsciiDigit(sql[i]))
                    {
                        i++;
                    }

                    executableComments++;
                }
                else
                {
                    var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    i = end < 0 ? sql.Length : end + 2;
                }
            }
            else if (c == '*' && Peek(sql, i + 1) == '/' && executableComments > 0)
            {
                executableComments--;
                i += 2;
            }
            else if (c == '#' || (c == '-' && Peek(sql, i + 1) == '-' && (i + 2 >= sql.Length || char.IsWhiteSpace(sql[i + 2]))))
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (c is '`' or '\'' or '"')
            {
                var start = i;
                var text = Quoted(sql, ref i, c);
                tokens.Add(new DdlToken(c == '`' ? DdlTokenKind.QuotedName : DdlTokenKind.Text, text, start, i));
            }
            else if (IsWordChar(c))
            {
                var start = i;
                while (i < sql.Length && IsWordChar(sql[i]))
                {
                    i++;
                }

                tokens.Add(new DdlToken(DdlTokenKind.Word, sql[start..i], start, i));
            }
            else
            {
                tokens.Add(new DdlToken(DdlTokenKind.Symbol, c.ToString(), i, i + 1));
                i++;
            }
        }

        return tokens;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$' || c > 0x7F;

    private static char Peek(string sql, int at) => at < sql.Length ? sql[at] : '\0';

    /// <summary>Reads a quoted token from its opening quote; a doubled quote is one quote, and in strings a backslash escapes.</summary>
    private static string Quoted(string sql, ref int i, char quote)
    {
        var text = new System.Text.StringBuilder();
        i++;
        while (i < sql.Length)
        {
            var c = sql[i++];
            if (c == quote)
            {
                if (Peek(sql, i) != quote)
                {
                    break;
                }

                i++;
            }
            else if (c == '\\' && quote != '`' && i < sql.Length)
            {
                c = sql[i++] switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    var other => other,
                };
            }

            text.Append(c);
        }

        return text.ToString();
    }
}
