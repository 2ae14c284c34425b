namespace Serverless.Cdc.Capture;

/// <summary>
/// A forward-only tokenizer over SQL text for <see cref="DdlTargets"/>: words, `quoted` identifiers (with `` doubled),
/// string literals, symbols; whitespace and comments (<c>/* */</c>, <c>-- </c>, <c>#</c>) are skipped.
/// </summary>
internal sealed class DdlTokens(string sql)
{
    private int position;

    private enum Kind
    {
        End,
        Word,
        QuotedIdentifier,
        Literal,
        Symbol,
    }

    /// <summary>Takes the keyword if it is next (case-insensitive).</summary>
    public bool TakeWord(string keyword)
    {
        var save = position;
        if (Next(out var text) == Kind.Word && string.Equals(text, keyword, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        position = save;
        return false;
    }

    /// <summary>Takes the keywords if all of them come next in this order; takes nothing otherwise.</summary>
    public bool TakeWords(params string[] keywords)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        var save = position;
        foreach (var keyword in keywords)
        {
            if (!TakeWord(keyword))
            {
                position = save;
                return false;
            }
        }

        return true;
    }

    public bool PeekWord(string keyword)
    {
        var save = position;
        var found = TakeWord(keyword);
        position = save;
        return found;
    }

    public bool TakeSymbol(char symbol)
    {
        var save = position;
        if (Next(out var text) == Kind.Symbol && text[0] == symbol)
        {
            return true;
        }

        position = save;
        return false;
    }

    /// <summary>Skips tokens until just after the keyword; false (at the end) when it does not come.</summary>
    public bool SkipToWord(string keyword)
    {
        while (true)
        {
            var kind = Next(out var text);
            if (kind == Kind.End)
            {
                return false;
            }

            if (kind == Kind.Word && string.Equals(text, keyword, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
    }

    /// <summary>The next token as an identifier (a bare word or a quoted name), or null when it is something else.</summary>
    public string? Identifier()
    {
        var save = position;
        var kind = Next(out var text);
        if (kind is Kind.Word or Kind.QuotedIdentifier)
        {
            return text;
        }

        position = save;
        return null;
    }

    private Kind Next(out string text)
    {
        SkipSpaceAndComments();
        text = string.Empty;
        if (position >= sql.Length)
        {
            return Kind.End;
        }

        var c = sql[position];
        if (c == '`')
        {
            text = ReadQuoted('`');
            return Kind.QuotedIdentifier;
        }

        if (c is '\'' or '"')
        {
            text = ReadQuoted(c);
            return Kind.Literal;
        }

        if (char.IsLetterOrDigit(c) || c is '_' or '$' || c > 0x7F)
        {
            var start = position;
            while (position < sql.Length && (char.IsLetterOrDigit(sql[position]) || sql[position] is '_' or '$' || sql[position] > 0x7F))
            {
                position++;
            }

            text = sql[start..position];
            return Kind.Word;
        }

        position++;
        text = c.ToString();
        return Kind.Symbol;
    }

    private string ReadQuoted(char quote)
    {
        var sb = new System.Text.StringBuilder();
        position++;
        while (position < sql.Length)
        {
            var c = sql[position++];
            if (c == quote)
            {
                if (position < sql.Length && sql[position] == quote)
                {
                    sb.Append(quote);
                    position++;
                    continue;
                }

                break;
            }

            if (c == '\\' && quote != '`' && position < sql.Length)
            {
                c = sql[position++];
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private void SkipSpaceAndComments()
    {
        while (position < sql.Length)
        {
            var c = sql[position];
            if (char.IsWhiteSpace(c))
            {
                position++;
            }
            else if (c == '/' && At(1, '*'))
            {
                var end = sql.IndexOf("*/", position + 2, StringComparison.Ordinal);
                position = end < 0 ? sql.Length : end + 2;
            }
            else if (c == '#' || (c == '-' && At(1, '-') && (position + 2 >= sql.Length || char.IsWhiteSpace(sql[position + 2]))))
            {
                var end = sql.IndexOf('\n', position);
                position = end < 0 ? sql.Length : end + 1;
            }
            else
            {
                return;
            }
        }
    }

    private bool At(int ahead, char expected) => position + ahead < sql.Length && sql[position + ahead] == expected;
}
