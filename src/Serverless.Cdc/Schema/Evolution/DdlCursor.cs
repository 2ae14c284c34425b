namespace Serverless.Cdc.Schema.Evolution;

/// <summary>A position in a statement's tokens for <see cref="DdlParser"/>: keyword and symbol tests that consume on a match.</summary>
internal sealed class DdlCursor(string sql, List<DdlToken> tokens)
{
    public int Index { get; set; }

    public bool AtEnd => Index >= tokens.Count;

    /// <summary>The current token; a symbol ';' past the end, so tests never run off it.</summary>
    public DdlToken Current => Index < tokens.Count ? tokens[Index] : new DdlToken(DdlTokenKind.Symbol, ";", sql.Length, sql.Length);

    public DdlToken PeekAt(int ahead) => Index + ahead < tokens.Count ? tokens[Index + ahead] : new DdlToken(DdlTokenKind.Symbol, ";", sql.Length, sql.Length);

    /// <summary>True at the end of the statement, a ';', or (at the current nesting) a ',' or ')' that ends an item.</summary>
    public bool AtItemEnd => AtEnd || Current.IsSymbol(',') || Current.IsSymbol(')') || Current.IsSymbol(';');

    public bool Take(string keyword)
    {
        if (Current.IsWord(keyword))
        {
            Index++;
            return true;
        }

        return false;
    }

    /// <summary>Takes all of the keywords in order, or none of them.</summary>
    public bool Take(string first, string second, string? third = null)
    {
        if (Current.IsWord(first) && PeekAt(1).IsWord(second) && (third is null || PeekAt(2).IsWord(third)))
        {
            Index += third is null ? 2 : 3;
            return true;
        }

        return false;
    }

    public bool Is(string keyword) => Current.IsWord(keyword);

    public bool TakeSymbol(char symbol)
    {
        if (Current.IsSymbol(symbol))
        {
            Index++;
            return true;
        }

        return false;
    }

    public void ExpectSymbol(char symbol, string what)
    {
        if (!TakeSymbol(symbol))
        {
            throw Error($"expected '{symbol}' {what}");
        }
    }

    /// <summary>A name (bare or `quoted`).</summary>
    public string Name(string what)
    {
        if (!Current.IsName)
        {
            throw Error($"expected {what}");
        }

        return tokens[Index++].Text;
    }

    /// <summary>A table name: <c>name</c> or <c>db.name</c>.</summary>
    public DdlTableName TableName()
    {
        var first = Name("a table name");
        return TakeSymbol('.') ? new DdlTableName(first, Name("a table name after the database")) : new DdlTableName(null, first);
    }

    /// <summary>Skips one token, or a whole parenthesised group when at '('.</summary>
    public void SkipOne()
    {
        if (!Current.IsSymbol('('))
        {
            Index++;
            return;
        }

        var depth = 0;
        do
        {
            if (Current.IsSymbol('('))
            {
                depth++;
            }
            else if (Current.IsSymbol(')'))
            {
                depth--;
            }

            Index++;
        }
        while (depth > 0 && !AtEnd);
    }

    /// <summary>Skips to the end of the current item (see <see cref="AtItemEnd"/>), over parenthesised groups.</summary>
    public void SkipItem()
    {
        while (!AtItemEnd)
        {
            SkipOne();
        }
    }

    /// <summary>The statement text from token <paramref name="from"/> up to the current token.</summary>
    public string TextFrom(int from)
    {
        if (from >= tokens.Count || from >= Index)
        {
            return string.Empty;
        }

        return sql[tokens[from].Start..tokens[Index - 1].End];
    }

    public DdlParseException Error(string problem) =>
        new($"Cannot read the DDL statement '{sql}': {problem} at '{(AtEnd ? "the end" : sql[Current.Start..Math.Min(sql.Length, Current.Start + 40)])}'. " +
            "The table stops at this statement; re-snapshot it to continue, and report the statement so the parser learns it.");
}
