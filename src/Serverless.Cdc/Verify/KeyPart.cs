namespace Serverless.Cdc.Verify;

/// <summary>
/// One key column's value in a form that sorts like the source: exact numbers and temporals as a 128-bit integer (a
/// DECIMAL unscaled at the column's scale, a date or time in microseconds), FLOAT/DOUBLE as a double, binary strings as
/// their bytes and character strings as their collation weight (<c>WEIGHT_STRING</c>), compared byte by byte. NULL (a
/// zero date the lake holds as null) sorts first, as zero dates do at the source.
/// </summary>
public readonly struct KeyPart : IComparable<KeyPart>, IEquatable<KeyPart>
{
    private readonly Int128 number;
    private readonly double real;
    private readonly byte[]? bytes;
    private readonly KeyPartKind kind;

    private KeyPart(KeyPartKind kind, Int128 number, double real, byte[]? bytes)
    {
        this.kind = kind;
        this.number = number;
        this.real = real;
        this.bytes = bytes;
    }

    public static KeyPart Null => default;

    public bool IsNull => kind == KeyPartKind.Null;

    /// <summary>The integer this part holds (integers, unscaled decimals, temporals in microseconds).</summary>
    public Int128 Number => kind == KeyPartKind.Number ? number : throw new InvalidOperationException("This key part is not a number.");

    public bool IsNumber => kind == KeyPartKind.Number;

    public static KeyPart FromNumber(Int128 value) => new(KeyPartKind.Number, value, 0, null);

    public static KeyPart FromReal(double value) => new(KeyPartKind.Real, 0, value, null);

    public static KeyPart FromBytes(byte[] value) => new(KeyPartKind.Bytes, 0, 0, value ?? throw new ArgumentNullException(nameof(value)));

    public int CompareTo(KeyPart other)
    {
        if (kind != other.kind)
        {
            // Only NULL mixes with another kind within one column.
            return kind.CompareTo(other.kind);
        }

        return kind switch
        {
            KeyPartKind.Number => number.CompareTo(other.number),
            KeyPartKind.Real => real.CompareTo(other.real),
            KeyPartKind.Bytes => bytes.AsSpan().SequenceCompareTo(other.bytes),
            _ => 0,
        };
    }

    public bool Equals(KeyPart other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is KeyPart other && Equals(other);

    public override int GetHashCode() => kind switch
    {
        KeyPartKind.Number => number.GetHashCode(),
        KeyPartKind.Real => real.GetHashCode(),
        KeyPartKind.Bytes => bytes!.Length,
        _ => 0,
    };

    public static bool operator ==(KeyPart left, KeyPart right) => left.Equals(right);

    public static bool operator !=(KeyPart left, KeyPart right) => !left.Equals(right);

    public static bool operator <(KeyPart left, KeyPart right) => left.CompareTo(right) < 0;

    public static bool operator >(KeyPart left, KeyPart right) => left.CompareTo(right) > 0;

    public static bool operator <=(KeyPart left, KeyPart right) => left.CompareTo(right) <= 0;

    public static bool operator >=(KeyPart left, KeyPart right) => left.CompareTo(right) >= 0;

    /// <summary>
    /// Compares a full key with a bound that may hold only a leading part of the key's columns, as
    /// <see cref="Snapshot.KeysetPredicate"/> does: on the bound's columns only, so a key that starts with the bound compares equal.
    /// </summary>
    public static int CompareToBound(IReadOnlyList<KeyPart> key, IReadOnlyList<KeyPart> bound)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(bound);
        for (var i = 0; i < bound.Count; i++)
        {
            var c = key[i].CompareTo(bound[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    private enum KeyPartKind : byte
    {
        Null,
        Number,
        Real,
        Bytes,
    }
}
