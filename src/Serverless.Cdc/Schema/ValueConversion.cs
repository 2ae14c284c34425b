namespace Serverless.Cdc.Schema;

/// <summary>How one text-protocol field becomes a Parquet value (chosen once per column by <see cref="TypeMapper"/>).</summary>
public enum ValueConversion
{
    /// <summary>Integer text → INT(8) on INT32.</summary>
    Int8,

    /// <summary>Integer text → INT(16) on INT32 (also YEAR).</summary>
    Int16,

    Int32,
    Int64,

    /// <summary>BIGINT UNSIGNED text → DECIMAL(20,0).</summary>
    UInt64Decimal,

    /// <summary>DECIMAL text (≤ 38 digits) → DECIMAL(p,s).</summary>
    Decimal,

    /// <summary>The server's text as UTF-8 bytes: strings, DECIMAL &gt; 38 digits, TIME as string, ENUM, SET, JSON.</summary>
    Text,

    /// <summary>The field's bytes unchanged: BINARY, VARBINARY, BLOB, VECTOR.</summary>
    Binary,

    /// <summary>FLOAT selected as DOUBLE (exact, unlike FLOAT's 6-digit text) → float.</summary>
    Float,

    Double,

    /// <summary>YYYY-MM-DD → days since 1970-01-01; zero dates → null or the configured date.</summary>
    Date,

    /// <summary>DATETIME → microseconds since 1970-01-01 of the wall-clock time (timestamp_ntz).</summary>
    DateTimeNtz,

    /// <summary>TIMESTAMP, read with session time_zone '+00:00' → UTC microseconds.</summary>
    TimestampUtc,

    /// <summary>TIME → signed microseconds.</summary>
    TimeMicroseconds,

    /// <summary>BIT(1) → boolean.</summary>
    BitBoolean,

    /// <summary>BIT(n) big-endian bytes → long.</summary>
    BitLong,

    /// <summary>GEOMETRY internal value (4-byte SRID + WKB) → WKB.</summary>
    GeometryWkb,
}
