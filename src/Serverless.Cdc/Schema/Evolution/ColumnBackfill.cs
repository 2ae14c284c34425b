using System.Globalization;
using System.Numerics;
using System.Text;
using Serverless.Cdc.Capture;
using Serverless.Cdc.Jobs;
using Serverless.Cdc.Writer;
using Serverless.MySql.Binlog;
using Serverless.MySql.Client;
using Serverless.MySql.Protocol;

namespace Serverless.Cdc.Schema.Evolution;

/// <summary>
/// The value the source gives rows that exist when a column is added (its DEFAULT, or the type's implicit default for a
/// NOT NULL column without one) or when a column with NULLs is made NOT NULL (the implicit default), as the lake holds it.
/// The value is built as the binlog would carry it and converted by <see cref="ChangeRowConverter"/>, so it is exactly what
/// the stream and the snapshot write for a row holding it (ENUM and SET labels as the column type spells them, DECIMAL at
/// the column's scale, BIT bytes or number, BINARY(n) padding, TIME text, zero dates by <c>types.zeroDate</c>).
/// A value that differs per row or depends on what the binlog does not carry throws <see cref="TableNeedsSnapshotException"/>.
/// </summary>
internal static class ColumnBackfill
{
    /// <summary>The lake value the existing rows get from <c>ADD COLUMN</c> <paramref name="definition"/>; null when they get NULL.</summary>
    public static object? ForAddedColumn(ColumnDefinition definition, SourceColumn column, ChangeEvent ddl, TypeMappingOptions? options, string table)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(ddl);
        if (column.Extra.Contains("auto_increment", StringComparison.OrdinalIgnoreCase))
        {
            throw Unreproducible(table, column, ddl, "it is AUTO_INCREMENT, so the server numbers the existing rows in its own scan order");
        }

        if (column.Extra.Contains("GENERATED", StringComparison.OrdinalIgnoreCase))
        {
            throw Unreproducible(table, column, ddl, "it is a generated column, computed per row from other columns by an expression the writer does not evaluate");
        }

        var value = definition.Default switch
        {
            null when column.IsNullable && IsTimestampWithoutNullability(definition, column) => throw Unreproducible(
                table, column, ddl, "a TIMESTAMP column added without NULL, NOT NULL or DEFAULT is NOT NULL DEFAULT CURRENT_TIMESTAMP or the zero timestamp when the server runs with explicit_defaults_for_timestamp off, which the binlog does not say; write NULL or a DEFAULT in the ALTER"),
            null when column.IsNullable => ChangeValue.Null,
            null => ImplicitDefault(column, ddl, table),
            { Kind: ColumnDefaultKind.Null } => ChangeValue.Null,
            { Kind: ColumnDefaultKind.CurrentTimestamp } d => StatementTime(d, column, ddl, table),
            { Kind: ColumnDefaultKind.Expression } d => throw Unreproducible(
                table, column, ddl, $"its DEFAULT {d.Text} is an expression the server evaluates (per row for UUID(), RAND() or other columns), which the writer cannot reproduce"),
            { } d => Literal(d, column, ddl, table),
        };
        return ToLake(value, column, ddl, options, table);
    }

    /// <summary>
    /// The lake value the rows holding NULL get when <c>MODIFY</c> makes <paramref name="column"/> NOT NULL in a non-strict
    /// session (a strict one refuses the statement, so it never reaches the binlog): the type's zero value, not the
    /// column's DEFAULT; for ENUM the empty error value (ordinal 0), not the first label; for TIMESTAMP on MariaDB the
    /// statement's time.
    /// </summary>
    public static object? ForNullsMadeNotNull(SourceColumn column, ChangeEvent ddl, TypeMappingOptions? options, string table)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(ddl);
        var value = column.DataType.ToLowerInvariant() switch
        {
            "enum" => new ChangeValue(ColumnValueKind.Enum, 0),
            "timestamp" when !IsMariaDb(ddl) => throw Unreproducible(
                table, column, ddl, "what a NULL in a TIMESTAMP column made NOT NULL becomes differs between servers (MariaDB stores the statement's time), and this DDL event does not say which server wrote it"),
            "timestamp" => StatementTime(new ColumnDefault(ColumnDefaultKind.CurrentTimestamp, "the statement's time") { Precision = column.DatetimePrecision ?? 0 }, column, ddl, table),
            _ => ImplicitDefault(column, ddl, table),
        };
        return ToLake(value, column, ddl, options, table);
    }

    /// <summary>True when the event's GTID is MariaDB's (domain-server-sequence); MySQL's is uuid:number.</summary>
    private static bool IsMariaDb(ChangeEvent ddl) =>
        ddl.Gtid is { } gtid && gtid.Split('-') is { Length: 3 } parts && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit));

    /// <summary>A TIMESTAMP whose nullability the definition leaves to the server's explicit_defaults_for_timestamp.</summary>
    private static bool IsTimestampWithoutNullability(ColumnDefinition definition, SourceColumn column) =>
        column.DataType.Equals("timestamp", StringComparison.OrdinalIgnoreCase) && !definition.NullabilityWritten;

    /// <summary>What MariaDB and MySQL fill a NOT NULL column without a DEFAULT with: zero, the empty string, the first ENUM label, the zero date.</summary>
    private static ChangeValue ImplicitDefault(SourceColumn column, ChangeEvent ddl, string table) => column.DataType.ToLowerInvariant() switch
    {
        "tinyint" or "smallint" or "mediumint" or "int" or "integer" or "bigint" when column.IsUnsigned => new ChangeValue(ColumnValueKind.UInt64, 0),
        "tinyint" or "smallint" or "mediumint" or "int" or "integer" or "bigint" or "bool" or "boolean" => ChangeValue.FromInt64(0),
        "year" => new ChangeValue(ColumnValueKind.Year, 0),
        "decimal" or "numeric" or "fixed" => ChangeValue.FromDecimal(new MySqlDecimal(BigInteger.Zero, column.NumericScale ?? 0)),
        "float" => new ChangeValue(ColumnValueKind.Single, 0),
        "double" or "double precision" or "real" => new ChangeValue(ColumnValueKind.Double, 0),
        "bit" => new ChangeValue(ColumnValueKind.Bit, 0, column.NumericPrecision ?? 1),
        "enum" => new ChangeValue(ColumnValueKind.Enum, 1),
        "set" => new ChangeValue(ColumnValueKind.Set, 0),
        "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" or "json" or "nchar" or "nvarchar" => ChangeValue.FromString(string.Empty),
        "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" => ChangeValue.FromBinary(ReadOnlyMemory<byte>.Empty),
        "date" => new ChangeValue(ColumnValueKind.Date, 0),
        "datetime" => new ChangeValue(ColumnValueKind.DateTime, 0, column.DatetimePrecision ?? 0),
        "timestamp" => new ChangeValue(ColumnValueKind.Timestamp, 0, column.DatetimePrecision ?? 0),
        "time" => new ChangeValue(ColumnValueKind.Time, 0, column.DatetimePrecision ?? 0),
        _ => throw Unreproducible(table, column, ddl, $"the implicit default of a NOT NULL {column.ColumnType} column is not known to the writer"),
    };

    /// <summary>
    /// CURRENT_TIMESTAMP: one value for every row, the statement's start time, which is the DDL event's time (whole seconds)
    /// for a TIMESTAMP column. A DATETIME takes it as the session's wall clock, and a fraction is not in the event.
    /// </summary>
    private static ChangeValue StatementTime(ColumnDefault value, SourceColumn column, ChangeEvent ddl, string table)
    {
        if (!column.DataType.Equals("timestamp", StringComparison.OrdinalIgnoreCase))
        {
            throw Unreproducible(table, column, ddl, $"its DEFAULT {value} is the statement's time as the DDL session's wall clock, and the binlog does not carry the session's time zone");
        }

        if (value.Precision > 0 && (column.DatetimePrecision ?? 0) > 0)
        {
            throw Unreproducible(table, column, ddl, $"its DEFAULT {value} has fractional seconds of the statement's time, and the DDL event carries whole seconds only");
        }

        var seconds = ddl.CommitTime.ToUnixTimeSeconds();
        return new ChangeValue(ColumnValueKind.Timestamp, seconds * 1_000_000, column.DatetimePrecision ?? 0);
    }

    private static ChangeValue Literal(ColumnDefault value, SourceColumn column, ChangeEvent ddl, string table)
    {
        var type = column.DataType.ToLowerInvariant();
        try
        {
            return type switch
            {
                "tinyint" or "smallint" or "mediumint" or "int" or "integer" or "bigint" or "bool" or "boolean" => Integer(value, column),
                "year" => new ChangeValue(ColumnValueKind.Year, Year(value)),
                "decimal" or "numeric" or "fixed" => ChangeValue.FromDecimal(Decimal(NumberText(value), column.NumericScale ?? 0)),
                "float" => new ChangeValue(ColumnValueKind.Single, BitConverter.SingleToInt32Bits((float)Double(value))),
                "double" or "double precision" or "real" => new ChangeValue(ColumnValueKind.Double, BitConverter.DoubleToInt64Bits(Double(value))),
                "bit" => new ChangeValue(ColumnValueKind.Bit, unchecked((long)Bits(value)), column.NumericPrecision ?? 1),
                "enum" => new ChangeValue(ColumnValueKind.Enum, EnumOrdinal(value, column)),
                "set" => new ChangeValue(ColumnValueKind.Set, unchecked((long)SetBits(value, column))),
                "char" => ChangeValue.FromString(Text(value).TrimEnd(' ')),
                "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" or "json" or "nchar" or "nvarchar" => ChangeValue.FromString(Text(value)),
                "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob" => ChangeValue.FromBinary(Bytes(value)),
                "date" => new ChangeValue(ColumnValueKind.Date, ChangeValue.PackDateTime(DateTimeValue(value, 0) with { Hour = 0, Minute = 0, Second = 0, Microsecond = 0 })),
                "datetime" => new ChangeValue(ColumnValueKind.DateTime, ChangeValue.PackDateTime(DateTimeValue(value, column.DatetimePrecision ?? 0)), column.DatetimePrecision ?? 0),
                "timestamp" when DateTimeValue(value, column.DatetimePrecision ?? 0).IsZero => new ChangeValue(ColumnValueKind.Timestamp, 0, column.DatetimePrecision ?? 0),
                "timestamp" => throw Unreproducible(
                    table, column, ddl, $"its DEFAULT {value} is a wall-clock time the server reads in the DDL session's time zone, which the binlog does not carry"),
                "time" => new ChangeValue(ColumnValueKind.Time, TimeMicros(value, column.DatetimePrecision ?? 0), column.DatetimePrecision ?? 0),
                _ => throw Unreproducible(table, column, ddl, $"a DEFAULT of a {column.ColumnType} column is not converted by the writer"),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw Unreproducible(table, column, ddl, $"its DEFAULT {value} is not read by the writer as a {column.ColumnType} value ({e.Message})");
        }
    }

    /// <summary>The value as the lake holds it: converted by the stream's converter through a one-column mapping of the column.</summary>
    private static object? ToLake(ChangeValue value, SourceColumn column, ChangeEvent ddl, TypeMappingOptions? options, string table)
    {
        if (value.IsNull)
        {
            return null;
        }

        // Nullable, so a zero date that types.zeroDate maps to null comes back as null rather than an error.
        var single = column with { Ordinal = 1, IsNullable = true };
        var source = new SourceTable { Database = ddl.Database, Name = ddl.Table, Columns = [single], KeyColumns = [single.Name] };
        var mapping = TypeMapper.Map(source, options);
        var converter = new ChangeRowConverter(mapping, mapping.DeltaFields, options);
        var change = new ChangeEvent
        {
            Kind = ChangeKind.Insert, Database = ddl.Database, Table = ddl.Table, Position = ddl.Position, SourceGeneration = ddl.SourceGeneration,
            CommitTime = ddl.CommitTime, Key = [value], Row = [value],
        };
        try
        {
            return converter.Convert(change, softDelete: false).Row[0];
        }
        catch (InvalidDataException e)
        {
            throw Unreproducible(table, column, ddl, $"its value does not convert to the lake's type: {e.Message}");
        }
    }

    private static ChangeValue Integer(ColumnDefault value, SourceColumn column)
    {
        var number = value.Kind switch
        {
            ColumnDefaultKind.Hex or ColumnDefaultKind.Bits => new BigInteger(Bits(value)),
            _ => Whole(Decimal(NumberText(value), 0)),
        };
        return column.IsUnsigned
            ? new ChangeValue(ColumnValueKind.UInt64, unchecked((long)(ulong)number))
            : ChangeValue.FromInt64((long)number);
    }

    /// <summary>The unscaled value of a decimal at scale 0 (rounded already when it was read).</summary>
    private static BigInteger Whole(MySqlDecimal value) => value.Unscaled;

    /// <summary>YEAR: 0 stays 0000 as a number; 1-69 are 2001-2069 and 70-99 1970-1999, and the string '0' or '00' is 2000.</summary>
    private static long Year(ColumnDefault value)
    {
        var year = (long)Whole(Decimal(NumberText(value), 0));
        return year switch
        {
            0 when value.Kind == ColumnDefaultKind.String => 2000,
            > 0 and < 70 => 2000 + year,
            >= 70 and < 100 => 1900 + year,
            _ => year,
        };
    }

    private static double Double(ColumnDefault value) =>
        double.Parse(NumberText(value), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The text of a number (a quoted number is read as the server reads it, surrounding spaces ignored).</summary>
    private static string NumberText(ColumnDefault value) => value.Kind switch
    {
        ColumnDefaultKind.Number => value.Text,
        ColumnDefaultKind.String when double.TryParse(value.Text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _) => value.Text.Trim(),
        _ => throw new FormatException($"{value} is not a number"),
    };

    /// <summary>A decimal number (plain or with an exponent) at <paramref name="scale"/> digits, rounded half away from zero as the server stores it.</summary>
    internal static MySqlDecimal Decimal(string text, int scale)
    {
        var negative = text.StartsWith('-');
        var body = text.TrimStart('-', '+');
        var exponent = 0;
        var e = body.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            exponent = int.Parse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            body = body[..e];
        }

        var dot = body.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? body : body[..dot] + body[(dot + 1)..];
        var fraction = (dot < 0 ? 0 : body.Length - dot - 1) - exponent;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            throw new FormatException($"'{text}' is not a number");
        }

        var unscaled = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        if (fraction < scale)
        {
            unscaled *= BigInteger.Pow(10, scale - fraction);
        }
        else if (fraction > scale)
        {
            var divisor = BigInteger.Pow(10, fraction - scale);
            var quotient = BigInteger.DivRem(unscaled, divisor, out var remainder);
            unscaled = remainder * 2 >= divisor ? quotient + 1 : quotient;
        }

        return new MySqlDecimal(negative ? -unscaled : unscaled, scale);
    }

    /// <summary>A bit or hex literal's value, a number, or a string's bytes read as a big-endian number (as BIT stores them).</summary>
    private static ulong Bits(ColumnDefault value) => value.Kind switch
    {
        ColumnDefaultKind.Bits => value.Text.Length is > 0 and <= 64 ? Convert.ToUInt64(value.Text, 2) : throw new FormatException($"{value} is not a bit value of 1 to 64 bits"),
        ColumnDefaultKind.Hex => value.Text.Length is > 0 and <= 16 ? ulong.Parse(value.Text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) : throw new FormatException($"{value} is not a hex value of at most 8 bytes"),
        ColumnDefaultKind.Number => (ulong)Whole(Decimal(value.Text, 0)),
        _ => Encoding.UTF8.GetBytes(value.Text) is { Length: <= 8 } bytes ? bytes.Aggregate(0UL, (v, b) => (v << 8) | b) : throw new FormatException($"{value} is longer than 8 bytes"),
    };

    private static string Text(ColumnDefault value) => value.Kind switch
    {
        ColumnDefaultKind.String => value.Text,
        ColumnDefaultKind.Number when !value.Text.Contains('e', StringComparison.OrdinalIgnoreCase) => value.Text.TrimStart('+'),
        _ => throw new FormatException($"{value} is not text the writer converts to a string"),
    };

    private static byte[] Bytes(ColumnDefault value) => value.Kind switch
    {
        ColumnDefaultKind.Hex when value.Text.Length % 2 == 0 => Convert.FromHexString(value.Text),
        ColumnDefaultKind.Hex => Convert.FromHexString("0" + value.Text),
        _ => Encoding.UTF8.GetBytes(Text(value)),
    };

    /// <summary>An ENUM value's ordinal: a label (compared without case and trailing spaces, as the server's case-insensitive collations do) or its number.</summary>
    private static long EnumOrdinal(ColumnDefault value, SourceColumn column)
    {
        var labels = Labels(column);
        if (value.Kind == ColumnDefaultKind.Number)
        {
            var ordinal = (long)Whole(Decimal(value.Text, 0));
            return ordinal >= 0 && ordinal <= labels.Length ? ordinal : throw new FormatException($"{value} is past the {labels.Length} labels");
        }

        var text = Text(value).TrimEnd(' ');
        var at = Array.FindIndex(labels, l => string.Equals(l.TrimEnd(' '), text, StringComparison.OrdinalIgnoreCase));
        return at >= 0 ? at + 1 : throw new FormatException($"{value} is not one of the labels");
    }

    private static ulong SetBits(ColumnDefault value, SourceColumn column)
    {
        var labels = Labels(column);
        if (value.Kind == ColumnDefaultKind.Number)
        {
            return (ulong)Whole(Decimal(value.Text, 0));
        }

        var bits = 0UL;
        foreach (var part in Text(value).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = Array.FindIndex(labels, l => string.Equals(l.TrimEnd(' '), part.TrimEnd(' '), StringComparison.OrdinalIgnoreCase));
            bits |= at >= 0 ? 1UL << at : throw new FormatException($"'{part}' is not one of the SET's labels");
        }

        return bits;
    }

    private static string[] Labels(SourceColumn column) =>
        ChangeRowConverter.Labels(new MappedColumn(column, Delta.Schema.PrimitiveType.String, true, Parquet.ParquetColumn.String(column.Name), ValueConversion.Text)) ?? [];

    /// <summary>A date/time literal; more fraction digits than the column keeps are not guessed at (servers differ: MySQL rounds, MariaDB truncates).</summary>
    private static MySqlDateTime DateTimeValue(ColumnDefault value, int precision)
    {
        var text = value.Kind == ColumnDefaultKind.String ? value.Text.Trim().Replace('T', ' ') : throw new FormatException($"{value} is not a date");
        if (!TextValueParser.TryParseDateTime(Encoding.UTF8.GetBytes(text), out var parsed))
        {
            throw new FormatException($"'{text}' is not YYYY-MM-DD[ HH:MM:SS[.ffffff]]");
        }

        FractionFits(text, precision);
        return parsed;
    }

    private static long TimeMicros(ColumnDefault value, int precision)
    {
        var text = value.Kind == ColumnDefaultKind.String ? value.Text.Trim() : throw new FormatException($"{value} is not a time");
        if (!TextValueParser.TryParseTime(Encoding.UTF8.GetBytes(text), out var time))
        {
            throw new FormatException($"'{text}' is not [-]HH:MM:SS[.ffffff]");
        }

        FractionFits(text, precision);
        return time.Ticks / 10;
    }

    private static void FractionFits(string text, int precision)
    {
        var dot = text.LastIndexOf('.');
        var digits = dot < 0 ? 0 : text.Length - dot - 1;
        if (digits > precision && text[(dot + 1 + precision)..].Any(ch => ch != '0'))
        {
            throw new FormatException($"'{text}' has more fractional digits than the column's {precision}");
        }
    }

    /// <summary>A lake value as the log shows it.</summary>
    public static string Show(object value) => value switch
    {
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        DateTime time => time.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + (time.Kind == DateTimeKind.Utc ? " UTC" : string.Empty),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        string text => "'" + text + "'",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static TableNeedsSnapshotException Unreproducible(string table, SourceColumn column, ChangeEvent ddl, string why) => new(
        $"Table {table}: the DDL at {ddl.Position} gives the existing rows a value in column '{column.Name}' ({column.ColumnType}) that the writer cannot reproduce: {why}. " +
        "Re-snapshot the table so the lake reads the rows as the source holds them.");
}
