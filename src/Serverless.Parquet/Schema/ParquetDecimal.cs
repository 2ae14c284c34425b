using System.Globalization;
using System.Text;

namespace Serverless.Parquet;

/// <summary>
/// An exact decimal of up to 38 digits: an unscaled 128-bit integer and a scale (value = Unscaled / 10^Scale).
/// System.Decimal holds only 28-29 digits, which is not enough for DECIMAL(38, s).
/// </summary>
public readonly record struct ParquetDecimal(Int128 Unscaled, int Scale) : IComparable<ParquetDecimal>
{
    public const int MaxPrecision = 38;

    public static ParquetDecimal FromDecimal(decimal value)
    {
        var bits = decimal.GetBits(value);
        var scale = (bits[3] >> 16) & 0xFF;
        var magnitude = ((Int128)(uint)bits[2] << 64) | ((Int128)(uint)bits[1] << 32) | (uint)bits[0];
        return new ParquetDecimal(bits[3] < 0 ? -magnitude : magnitude, scale);
    }

    /// <summary>Converts to System.Decimal; throws OverflowException beyond its 28-29 digits.</summary>
    public decimal ToDecimal() => decimal.Parse(ToString(), NumberStyles.Number, CultureInfo.InvariantCulture);

    /// <summary>The same value at another scale; throws when digits would be lost.</summary>
    public ParquetDecimal Rescale(int scale)
    {
        if (scale == Scale)
        {
            return this;
        }

        var unscaled = Unscaled;
        if (scale > Scale)
        {
            for (var i = Scale; i < scale; i++)
            {
                unscaled = checked(unscaled * 10);
            }
        }
        else
        {
            for (var i = scale; i < Scale; i++)
            {
                var (q, r) = Int128.DivRem(unscaled, 10);
                if (r != 0)
                {
                    throw new ArgumentException($"{this} cannot be represented at scale {scale} without losing digits.");
                }

                unscaled = q;
            }
        }

        return new ParquetDecimal(unscaled, scale);
    }

    public static ParquetDecimal Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        var negative = s.StartsWith('-');
        if (negative || s.StartsWith('+'))
        {
            s = s[1..];
        }

        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? s : string.Concat(s.AsSpan(0, dot), s.AsSpan(dot + 1));
        var scale = dot < 0 ? 0 : s.Length - dot - 1;
        if (digits.Length == 0 || digits.Length > 39)
        {
            throw new FormatException($"'{text}' is not a decimal of at most 38 digits.");
        }

        Int128 value = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                throw new FormatException($"'{text}' is not a decimal number.");
            }

            value = checked((value * 10) + (c - '0'));
        }

        return new ParquetDecimal(negative ? -value : value, scale);
    }

    public int CompareTo(ParquetDecimal other)
    {
        if (Scale == other.Scale)
        {
            return Unscaled.CompareTo(other.Unscaled);
        }

        // Compare at the larger scale; values that overflow there are larger in magnitude than anything representable.
        try
        {
            var scale = Math.Max(Scale, other.Scale);
            return Rescale(scale).Unscaled.CompareTo(other.Rescale(scale).Unscaled);
        }
        catch (OverflowException)
        {
            return ToString().Length.CompareTo(other.ToString().Length);
        }
    }

    public override string ToString()
    {
        var negative = Unscaled < 0;
        var magnitude = negative ? (UInt128)(-(Unscaled + 1)) + 1 : (UInt128)Unscaled;
        var digits = magnitude.ToString(CultureInfo.InvariantCulture);

        var sb = new StringBuilder(digits.Length + 3);
        if (negative)
        {
            sb.Append('-');
        }

        if (Scale <= 0)
        {
            sb.Append(digits);
            return sb.ToString();
        }

        if (digits.Length <= Scale)
        {
            sb.Append("0.").Append('0', Scale - digits.Length).Append(digits);
        }
        else
        {
            sb.Append(digits, 0, digits.Length - Scale).Append('.').Append(digits, digits.Length - Scale, Scale);
        }

        return sb.ToString();
    }

    /// <summary>Writes the unscaled value as big-endian two's complement into exactly <paramref name="destination"/>.Length bytes.</summary>
    internal static void WriteBigEndian(Int128 unscaled, Span<byte> destination)
    {
        var v = unscaled;
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)v;
            v >>= 8;
        }
    }

    /// <summary>Reads a big-endian two's complement integer of 1..16 bytes.</summary>
    internal static Int128 ReadBigEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length == 0)
        {
            return 0;
        }

        Int128 v = (sbyte)source[0];
        for (var i = 1; i < source.Length; i++)
        {
            v = (v << 8) | source[i];
        }

        return v;
    }
}
