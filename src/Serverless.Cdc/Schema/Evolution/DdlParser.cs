using System.Globalization;

namespace Serverless.Cdc.Schema.Evolution;

/// <summary>
/// Reads the table DDL MySQL and MariaDB write to the binlog: ALTER TABLE (ADD/DROP/CHANGE/MODIFY/RENAME COLUMN, defaults,
/// keys and indexes, RENAME TO, table options, several clauses in one statement), CREATE TABLE (columns, types, NULL/NOT
/// NULL, primary and unique keys, default character set; LIKE), DROP TABLE, DROP DATABASE, RENAME TABLE and TRUNCATE TABLE,
/// with comments, executable comments and quoting. Column types come out as information_schema reports them
/// (<see cref="ColumnDefinition"/>). Statements that change no table's columns or rows give <see cref="NoTableChangeDdl"/>.
/// </summary>
public static class DdlParser
{
    private static readonly string[] IndexWords = ["INDEX", "KEY", "UNIQUE", "FULLTEXT", "SPATIAL", "FOREIGN", "CHECK", "CONSTRAINT", "PARTITION", "PERIOD", "SYSTEM", "VECTOR"];

    /// <exception cref="DdlParseException">A table statement the parser cannot read (the message quotes it and names the fix).</exception>
    public static TableDdl Parse(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var c = new DdlCursor(sql, DdlLexer.Tokenize(sql));
        if (c.Take("CREATE"))
        {
            return Create(c, sql);
        }

        if (c.Take("ALTER"))
        {
            c.Take("ONLINE");
            c.Take("IGNORE");
            return c.Take("TABLE") ? Alter(c, sql) : new NoTableChangeDdl { Sql = sql };
        }

        if (c.Take("DROP"))
        {
            return Drop(c, sql);
        }

        if (c.Take("RENAME"))
        {
            return c.Take("TABLE") || c.Take("TABLES") ? Rename(c, sql) : new NoTableChangeDdl { Sql = sql };
        }

        if (c.Take("TRUNCATE"))
        {
            c.Take("TABLE");
            return new TruncateTableDdl(c.TableName()) { Sql = sql };
        }

        return new NoTableChangeDdl { Sql = sql };
    }

    private static TableDdl Create(DdlCursor c, string sql)
    {
        var orReplace = c.Take("OR", "REPLACE");
        if (c.Take("TEMPORARY") || !c.Take("TABLE"))
        {
            // Temporary tables never reach a row-based binlog's row events; indexes, views and routines hold no rows.
            return new NoTableChangeDdl { Sql = sql };
        }

        var ifNotExists = c.Take("IF", "NOT", "EXISTS");
        var table = c.TableName();
        var parenthesisedLike = c.Current.IsSymbol('(') && c.PeekAt(1).IsWord("LIKE");
        if (parenthesisedLike)
        {
            c.TakeSymbol('(');
        }

        if (c.Take("LIKE"))
        {
            return new CreateTableDdl(table, []) { Sql = sql, LikeTable = c.TableName(), IfNotExists = ifNotExists, OrReplace = orReplace };
        }

        if (!c.TakeSymbol('('))
        {
            // CREATE TABLE t SELECT ...: the statement lists no columns (a row-based binlog logs the created table's full definition instead).
            return new CreateTableDdl(table, []) { Sql = sql, IfNotExists = ifNotExists, OrReplace = orReplace };
        }

        var columns = new List<ColumnDefinition>();
        var primary = new List<string>();
        var unique = new List<IReadOnlyList<string>>();
        do
        {
            if (c.Current.Kind == DdlTokenKind.Word && IsIndexStart(c))
            {
                TableKey(c, primary, unique);
            }
            else
            {
                var column = Column(c, c.Name("a column name"), placementEnds: false);
                columns.Add(column);
                if (column.IsPrimaryKey)
                {
                    primary.Clear();
                    primary.Add(column.Name);
                }
                else if (column.IsUnique)
                {
                    unique.Add([column.Name]);
                }
            }

            c.SkipItem();
        }
        while (c.TakeSymbol(','));

        c.ExpectSymbol(')', "after the column definitions");
        string? charset = null;
        while (!c.AtEnd && !c.Is("SELECT") && !c.Is("AS") && !c.Is("PARTITION"))
        {
            if (c.Take("CHARSET") || c.Take("CHARACTER", "SET"))
            {
                c.TakeSymbol('=');
                charset = c.Name("a character set").ToLowerInvariant();
            }
            else
            {
                c.SkipOne();
            }
        }

        var primaryKey = primary.ToArray();
        columns = columns.Select(col => primaryKey.Contains(col.Name, StringComparer.OrdinalIgnoreCase) ? col with { Nullable = false } : col).ToList();
        return new CreateTableDdl(table, columns)
        {
            Sql = sql, PrimaryKey = primaryKey, UniqueKeys = unique, CharacterSet = charset, IfNotExists = ifNotExists, OrReplace = orReplace,
        };
    }

    private static bool IsIndexStart(DdlCursor c) =>
        c.Is("PRIMARY") || (IndexWords.Any(c.Is) && !(c.Is("PERIOD") && !c.PeekAt(1).IsWord("FOR")) && !(c.Is("SYSTEM") && !c.PeekAt(1).IsWord("VERSIONING")));

    /// <summary>A table-level key in CREATE TABLE: the primary key's and unique keys' columns are kept, other indexes skipped.</summary>
    private static void TableKey(DdlCursor c, List<string> primary, List<IReadOnlyList<string>> unique)
    {
        if (c.Take("CONSTRAINT") && !c.Is("PRIMARY") && !c.Is("UNIQUE") && !c.Is("FOREIGN") && !c.Is("CHECK"))
        {
            c.Name("a constraint name");
        }

        if (c.Take("PRIMARY", "KEY"))
        {
            var (columns, _) = KeyColumns(c);
            primary.Clear();
            primary.AddRange(columns);
        }
        else if (c.Take("UNIQUE"))
        {
            var (columns, prefix) = KeyColumns(c);
            if (!prefix && columns.Count > 0)
            {
                unique.Add(columns);
            }
        }
    }

    /// <summary>The column list of a key, from wherever its '(' comes (after an optional index name and type); whether a column is prefix-indexed.</summary>
    private static (List<string> Columns, bool Prefix) KeyColumns(DdlCursor c)
    {
        while (!c.AtItemEnd && !c.Current.IsSymbol('('))
        {
            c.SkipOne();
        }

        var columns = new List<string>();
        var prefix = false;
        if (!c.TakeSymbol('('))
        {
            return (columns, prefix);
        }

        do
        {
            if (c.Current.IsName)
            {
                columns.Add(c.Name("a key column"));
                if (c.Current.IsSymbol('('))
                {
                    prefix = true;
                }
            }
            else
            {
                // An expression (functional index) identifies no column.
                prefix = true;
            }

            c.SkipItem();
        }
        while (c.TakeSymbol(','));

        c.ExpectSymbol(')', "after the key's columns");
        return (columns, prefix);
    }

    private static TableDdl Alter(DdlCursor c, string sql)
    {
        c.Take("IF", "EXISTS");
        var table = c.TableName();
        SkipWait(c);
        var clauses = new List<AlterClause>();
        while (!c.AtEnd && !c.Current.IsSymbol(';'))
        {
            var start = c.Index;
            var added = AlterClauses(c);
            c.SkipItem();
            var text = c.TextFrom(start);
            clauses.AddRange(added.Select(a => a with { Text = a.Text.Length == 0 ? text : a.Text }));
            if (!c.TakeSymbol(','))
            {
                break;
            }
        }

        return new AlterTableDdl(table, clauses) { Sql = sql };
    }

    private static List<AlterClause> AlterClauses(DdlCursor c)
    {
        if (c.Take("ADD"))
        {
            if (!c.Take("COLUMN") && c.Current.Kind == DdlTokenKind.Word && IsIndexStart(c))
            {
                if (c.Take("CONSTRAINT") && !c.Is("PRIMARY") && !c.Is("UNIQUE") && !c.Is("FOREIGN") && !c.Is("CHECK"))
                {
                    c.Name("a constraint name");
                }

                return c.Take("PRIMARY", "KEY") ? [new AddPrimaryKeyClause(KeyColumns(c).Columns)] : [new NoLakeChangeClause()];
            }

            var ifNotExists = c.Take("IF", "NOT", "EXISTS");
            if (!c.TakeSymbol('('))
            {
                var column = Column(c, c.Name("a column name"), placementEnds: true);
                return [new AddColumnClause(column, Placement(c), ifNotExists)];
            }

            var list = new List<AlterClause>();
            do
            {
                var start = c.Index;
                var column = Column(c, c.Name("a column name"), placementEnds: false);
                c.SkipItem();
                list.Add(new AddColumnClause(column, ColumnPlacement.Default, ifNotExists) { Text = "ADD " + c.TextFrom(start) });
            }
            while (c.TakeSymbol(','));

            c.ExpectSymbol(')', "after the added columns");
            return list;
        }

        if (c.Take("DROP"))
        {
            if (c.Take("PRIMARY", "KEY"))
            {
                return [new DropPrimaryKeyClause()];
            }

            if (!c.Take("COLUMN") && IndexWords.Any(c.Is) && c.PeekAt(1).IsName)
            {
                // DROP INDEX/KEY/FOREIGN KEY/CONSTRAINT/CHECK/PARTITION x (a bare column named like them is followed by ',' or the end).
                return [new NoLakeChangeClause()];
            }

            var ifExists = c.Take("IF", "EXISTS");
            return [new DropColumnClause(c.Name("the dropped column"), ifExists)];
        }

        if (c.Take("CHANGE"))
        {
            c.Take("COLUMN");
            var ifExists = c.Take("IF", "EXISTS");
            var from = c.Name("the changed column");
            var column = Column(c, c.Name("the column's new name"), placementEnds: true);
            return [new ChangeColumnClause(from, column, Placement(c), ifExists)];
        }

        if (c.Take("MODIFY"))
        {
            c.Take("COLUMN");
            var ifExists = c.Take("IF", "EXISTS");
            var column = Column(c, c.Name("the modified column"), placementEnds: true);
            return [new ChangeColumnClause(column.Name, column, Placement(c), ifExists)];
        }

        if (c.Take("RENAME"))
        {
            if (c.Take("COLUMN"))
            {
                c.Take("IF", "EXISTS");
                var from = c.Name("the renamed column");
                if (!c.Take("TO"))
                {
                    throw c.Error("expected TO in RENAME COLUMN");
                }

                return [new RenameColumnClause(from, c.Name("the column's new name"))];
            }

            if (c.Is("INDEX") || c.Is("KEY"))
            {
                return [new NoLakeChangeClause()];
            }

            if (!c.Take("TO"))
            {
                c.Take("AS");
            }

            return [new RenameTableClause(c.TableName())];
        }

        // ALTER [COLUMN] c SET/DROP DEFAULT, ALTER INDEX, table options, partitioning, FORCE, ORDER BY: nothing the lake holds.
        return [new NoLakeChangeClause()];
    }

    private static ColumnPlacement Placement(DdlCursor c)
    {
        if (c.Take("FIRST"))
        {
            return ColumnPlacement.AtFirst;
        }

        return c.Take("AFTER") ? ColumnPlacement.AfterColumn(c.Name("the column to place it after")) : ColumnPlacement.Default;
    }

    private static TableDdl Drop(DdlCursor c, string sql)
    {
        if (c.Take("DATABASE") || c.Take("SCHEMA"))
        {
            c.Take("IF", "EXISTS");
            return new DropDatabaseDdl(c.Name("a database name")) { Sql = sql };
        }

        if (c.Take("TEMPORARY") || !c.Take("TABLE"))
        {
            return new NoTableChangeDdl { Sql = sql };
        }

        c.Take("IF", "EXISTS");
        var tables = new List<DdlTableName>();
        do
        {
            tables.Add(c.TableName());
        }
        while (c.TakeSymbol(','));

        return new DropTableDdl(tables) { Sql = sql };
    }

    private static TableDdl Rename(DdlCursor c, string sql)
    {
        c.Take("IF", "EXISTS");
        var renames = new List<(DdlTableName, DdlTableName)>();
        do
        {
            var from = c.TableName();
            SkipWait(c);
            if (!c.Take("TO"))
            {
                throw c.Error("expected TO in RENAME TABLE");
            }

            renames.Add((from, c.TableName()));
        }
        while (c.TakeSymbol(','));

        return new RenameTableDdl(renames) { Sql = sql };
    }

    private static void SkipWait(DdlCursor c)
    {
        if (c.Take("WAIT"))
        {
            c.SkipOne();
        }
        else
        {
            c.Take("NOWAIT");
        }
    }

    /// <summary>A column definition after its name: the type, then attributes up to the end of the item (or FIRST/AFTER in ALTER).</summary>
    private static ColumnDefinition Column(DdlCursor c, string name, bool placementEnds)
    {
        var column = ColumnType(c, name);
        while (!c.AtItemEnd && !(placementEnds && (c.Is("FIRST") || c.Is("AFTER"))))
        {
            if (c.Take("NOT", "NULL"))
            {
                column = column with { Nullable = false, NullabilityWritten = true };
            }
            else if (c.Take("NULL"))
            {
                column = column with { Nullable = true, NullabilityWritten = true };
            }
            else if (c.Take("DEFAULT"))
            {
                column = column with { Default = DefaultValue(c) };
            }
            else if (c.Take("AUTO_INCREMENT"))
            {
                column = column with { Extra = "auto_increment" };
            }
            else if (c.Take("PRIMARY", "KEY") || c.Take("KEY"))
            {
                column = column with { IsPrimaryKey = true, Nullable = false, NullabilityWritten = true };
            }
            else if (c.Take("UNIQUE"))
            {
                c.Take("KEY");
                column = column with { IsUnique = true };
            }
            else if (c.Take("CHARSET") || c.Take("CHARACTER", "SET"))
            {
                column = column with { CharacterSet = c.Name("a character set").ToLowerInvariant() };
            }
            else if (c.Take("COMMENT") || c.Take("COLLATE") || c.Take("COLUMN_FORMAT") || c.Take("STORAGE") || c.Take("SRID"))
            {
                c.SkipOne();
            }
            else if (c.Take("ON", "UPDATE"))
            {
                SkipValue(c);
            }
            else if (c.Take("GENERATED", "ALWAYS") || c.Is("AS"))
            {
                c.Take("AS");
                c.SkipOne();
                column = column with { Extra = c.Is("STORED") || c.Is("PERSISTENT") ? "STORED GENERATED" : "VIRTUAL GENERATED" };
            }
            else
            {
                // CHECK (...), REFERENCES t (c) ON DELETE ..., INVISIBLE, COMPRESSED, VIRTUAL/STORED, BINARY: nothing the lake holds.
                c.SkipOne();
            }
        }

        return column;
    }

    /// <summary>
    /// Reads a DEFAULT value: a literal (string with an optional introducer or DATE/TIME/TIMESTAMP prefix, signed number,
    /// TRUE/FALSE, NULL, hex and bit literals), the statement's time (CURRENT_TIMESTAMP and its synonyms, with an optional
    /// precision), or anything else as an expression kept as written.
    /// </summary>
    private static ColumnDefault DefaultValue(DdlCursor c)
    {
        var start = c.Index;
        var t = c.Current;
        if (t.Kind == DdlTokenKind.Text)
        {
            c.SkipOne();
            return new ColumnDefault(ColumnDefaultKind.String, t.Text);
        }

        if (t.Kind == DdlTokenKind.Word && c.PeekAt(1).Kind == DdlTokenKind.Text && c.PeekAt(1).Start == t.End)
        {
            // An introducer glued to its string: _utf8mb4'x', N'x', x'4A', b'101'.
            var text = c.PeekAt(1).Text;
            c.SkipOne();
            c.SkipOne();
            return t.Text.ToLowerInvariant() switch
            {
                "x" => new ColumnDefault(ColumnDefaultKind.Hex, text),
                "b" => new ColumnDefault(ColumnDefaultKind.Bits, text),
                _ => new ColumnDefault(ColumnDefaultKind.String, text),
            };
        }

        if ((t.IsWord("DATE") || t.IsWord("TIME") || t.IsWord("TIMESTAMP")) && c.PeekAt(1).Kind == DdlTokenKind.Text)
        {
            c.SkipOne();
            var text = c.Current.Text;
            c.SkipOne();
            return new ColumnDefault(ColumnDefaultKind.String, text);
        }

        if (c.Take("NULL"))
        {
            return ColumnDefault.Null;
        }

        if (c.TakeSymbol('('))
        {
            // A parenthesised literal (MySQL's only way to give TEXT, BLOB and JSON a default) is that literal.
            var inner = DefaultValue(c);
            if (inner.Kind != ColumnDefaultKind.Expression && c.TakeSymbol(')'))
            {
                return inner;
            }

            return Expression(c, start);
        }

        if (c.Take("TRUE") || c.Take("FALSE"))
        {
            return new ColumnDefault(ColumnDefaultKind.Number, t.IsWord("TRUE") ? "1" : "0");
        }

        if (Number(c) is { } number)
        {
            return number;
        }

        if (t.IsWord("CURRENT_TIMESTAMP") || t.IsWord("NOW") || t.IsWord("LOCALTIME") || t.IsWord("LOCALTIMESTAMP"))
        {
            c.SkipOne();
            var precision = 0;
            if (c.TakeSymbol('('))
            {
                if (c.Current.Kind == DdlTokenKind.Word && int.TryParse(c.Current.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var digits))
                {
                    precision = digits;
                    c.SkipOne();
                }

                if (!c.TakeSymbol(')'))
                {
                    c.Index = start;
                    return Expression(c, start);
                }
            }
            else if (t.IsWord("NOW"))
            {
                // NOW without parentheses is not the function; leave it to the server (an expression here).
                return Expression(c, start);
            }

            return new ColumnDefault(ColumnDefaultKind.CurrentTimestamp, c.TextFrom(start)) { Precision = precision };
        }

        return Expression(c, start);
    }

    /// <summary>A signed numeric literal (<c>-5</c>, <c>1.50</c>, <c>.5</c>, <c>1e3</c>, <c>0x4A</c>, <c>0b101</c>), or null (the cursor unmoved) when none starts here.</summary>
    private static ColumnDefault? Number(DdlCursor c)
    {
        var start = c.Index;
        var sign = string.Empty;
        while (c.Current.IsSymbol('-') || c.Current.IsSymbol('+'))
        {
            sign = c.Current.IsSymbol('-') == (sign == "-") ? string.Empty : "-";
            c.SkipOne();
        }

        var t = c.Current;
        if (t.Kind == DdlTokenKind.Word && sign.Length == 0 && t.Text.Length > 2 && t.Text[0] == '0' && t.Text[1] is 'x' or 'b')
        {
            c.SkipOne();
            return new ColumnDefault(t.Text[1] == 'x' ? ColumnDefaultKind.Hex : ColumnDefaultKind.Bits, t.Text[2..]);
        }

        var text = new System.Text.StringBuilder(sign);
        if (t.Kind == DdlTokenKind.Word && char.IsAsciiDigit(t.Text[0]))
        {
            text.Append(t.Text);
            c.SkipOne();
        }

        if (c.Current.IsSymbol('.') && c.PeekAt(1).Kind == DdlTokenKind.Word && char.IsAsciiDigit(c.PeekAt(1).Text[0]) && c.PeekAt(1).Start == c.Current.End)
        {
            text.Append('.').Append(c.PeekAt(1).Text);
            c.SkipOne();
            c.SkipOne();
        }

        // An exponent with a sign lexes apart: 1e-3 is 1e - 3.
        if (text.Length > sign.Length && (text[^1] is 'e' or 'E') && (c.Current.IsSymbol('-') || c.Current.IsSymbol('+')) && c.PeekAt(1).Kind == DdlTokenKind.Word)
        {
            text.Append(c.Current.Text).Append(c.PeekAt(1).Text);
            c.SkipOne();
            c.SkipOne();
        }

        var number = text.ToString();
        if (number.Length == sign.Length || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            c.Index = start;
            return null;
        }

        return new ColumnDefault(ColumnDefaultKind.Number, number);
    }

    /// <summary>Any other DEFAULT: a call or a parenthesised expression, skipped as one value and kept as written.</summary>
    private static ColumnDefault Expression(DdlCursor c, int start)
    {
        c.Index = start;
        SkipValue(c);
        return new ColumnDefault(ColumnDefaultKind.Expression, c.TextFrom(start));
    }

    /// <summary>Skips a DEFAULT or ON UPDATE value: a literal (with an optional _charset introducer or sign), a word such as CURRENT_TIMESTAMP(6), or (an expression).</summary>
    private static void SkipValue(DdlCursor c)
    {
        if (c.Current.IsSymbol('-') || c.Current.IsSymbol('+'))
        {
            c.SkipOne();
        }

        var word = c.Current.Kind == DdlTokenKind.Word;
        var introducer = word && (c.Current.Text.StartsWith('_') || c.Current.Text is "b" or "B" or "x" or "X" or "n" or "N") && c.PeekAt(1).Kind == DdlTokenKind.Text && c.PeekAt(1).Start == c.Current.End;
        c.SkipOne();
        if (introducer)
        {
            c.SkipOne();
        }
        else if (word && c.Current.IsSymbol('.'))
        {
            // A decimal literal lexes as 1 . 5.
            c.SkipOne();
            c.SkipOne();
        }
        else if (word && c.Current.IsSymbol('('))
        {
            c.SkipOne();
        }
    }

    /// <summary>The type of a column definition, normalized to information_schema's DATA_TYPE and COLUMN_TYPE.</summary>
    private static ColumnDefinition ColumnType(DdlCursor c, string name)
    {
        var typeName = c.Name("the column's type").ToLowerInvariant();
        if (typeName == "national")
        {
            typeName = c.Name("the column's type").ToLowerInvariant();
        }

        if (typeName == "double")
        {
            c.Take("PRECISION");
        }
        else if (typeName == "long")
        {
            typeName = c.Take("VARBINARY") ? "mediumblob" : "mediumtext";
            c.Take("VARCHAR");
        }
        else if (typeName is "char" or "character" or "nchar" && c.Take("VARYING"))
        {
            typeName = "varchar";
        }

        var args = new List<string>();
        if (c.TakeSymbol('('))
        {
            do
            {
                var t = c.Current;
                if (t.Kind is DdlTokenKind.Text or DdlTokenKind.Word)
                {
                    args.Add(t.Kind == DdlTokenKind.Text ? "'" + t.Text.Replace("'", "''", StringComparison.Ordinal) + "'" : t.Text);
                }

                c.SkipItem();
            }
            while (c.TakeSymbol(','));

            c.ExpectSymbol(')', $"after the arguments of {typeName}");
        }

        var unsigned = false;
        var zerofill = false;
        while (true)
        {
            if (c.Take("UNSIGNED"))
            {
                unsigned = true;
            }
            else if (c.Take("ZEROFILL"))
            {
                zerofill = unsigned = true;
            }
            else if (!c.Take("SIGNED"))
            {
                break;
            }
        }

        return Normalize(name, typeName, args, unsigned, zerofill);
    }

    private static ColumnDefinition Normalize(string name, string typeName, List<string> args, bool unsigned, bool zerofill)
    {
        int Arg(int index, int fallback) => index < args.Count && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : fallback;
        string Sign(string type) => type + (unsigned ? " unsigned" : string.Empty) + (zerofill ? " zerofill" : string.Empty);
        ColumnDefinition Make(string dataType, string columnType) => new() { Name = name, DataType = dataType, ColumnType = columnType };
        ColumnDefinition Integer(string dataType, int signedWidth, int unsignedWidth) =>
            Make(dataType, Sign(string.Create(CultureInfo.InvariantCulture, $"{dataType}({Arg(0, unsigned ? unsignedWidth : signedWidth)})")));

        switch (typeName)
        {
            case "bool" or "boolean":
                return Make("tinyint", "tinyint(1)");
            case "tinyint" or "int1":
                return Integer("tinyint", 4, 3);
            case "smallint" or "int2":
                return Integer("smallint", 6, 5);
            case "mediumint" or "int3" or "middleint":
                return Integer("mediumint", 9, 8);
            case "int" or "integer" or "int4":
                return Integer("int", 11, 10);
            case "bigint" or "int8":
                return Integer("bigint", 20, 20);
            case "serial":
                return Make("bigint", "bigint(20) unsigned") with { Nullable = false, NullabilityWritten = true, Extra = "auto_increment", IsUnique = true };
            case "decimal" or "dec" or "numeric" or "fixed":
                {
                    var precision = Arg(0, 10);
                    var scale = Arg(1, 0);
                    return Make("decimal", Sign(string.Create(CultureInfo.InvariantCulture, $"decimal({precision},{scale})"))) with { NumericPrecision = precision, NumericScale = scale };
                }

            case "float" when args.Count == 1 && Arg(0, 0) > 24:
                return Make("double", Sign("double"));
            case "float":
                return Make("float", Sign(args.Count == 2 ? $"float({args[0]},{args[1]})" : "float"));
            case "double" or "real":
                return Make("double", Sign(args.Count == 2 ? $"double({args[0]},{args[1]})" : "double"));
            case "bit":
                {
                    var bits = Arg(0, 1);
                    return Make("bit", string.Create(CultureInfo.InvariantCulture, $"bit({bits})")) with { NumericPrecision = bits };
                }

            case "char" or "character" or "nchar":
                return Make("char", string.Create(CultureInfo.InvariantCulture, $"char({Arg(0, 1)})"));
            case "varchar" or "nvarchar" or "varcharacter":
                return Make("varchar", string.Create(CultureInfo.InvariantCulture, $"varchar({Arg(0, 0)})"));
            case "binary":
                return Make("binary", string.Create(CultureInfo.InvariantCulture, $"binary({Arg(0, 1)})"));
            case "varbinary":
                return Make("varbinary", string.Create(CultureInfo.InvariantCulture, $"varbinary({Arg(0, 0)})"));
            case "time" or "datetime" or "timestamp":
                {
                    var digits = Arg(0, 0);
                    return Make(typeName, digits == 0 ? typeName : string.Create(CultureInfo.InvariantCulture, $"{typeName}({digits})")) with { DatetimePrecision = digits };
                }

            case "year":
                return Make("year", "year(4)");
            case "enum" or "set":
                return Make(typeName, typeName + "(" + string.Join(",", args) + ")");
            default:
                // date, text and blob types, json, spatial types, inet4/inet6/uuid, vector(n), and any type the mapper may refuse.
                return Make(typeName, args.Count == 0 ? typeName : typeName + "(" + string.Join(",", args) + ")");
        }
    }
}
