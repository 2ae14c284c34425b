using System.Globalization;
using System.Numerics;

namespace Serverless.MySql.Client;

/// <summary>
/// A DECIMAL value of up to 65 digits, exactly: value = <see cref="Unscaled"/> × 10^-<see cref="Scale"/>.
/// </summary>
public readonly record struct MySqlDecimal(BigInteger Unscaled, int Scale)
{
    /// <summary>Parses MySQL's text form ([-]digits[.digits]).</summary>
    public static MySqlDecimal Parse(ReadOnlySpan<byte> text)
    {
        Span<char> digits = stackalloc char[Math.Min(text.Length + 1, 256)];
        if (text.Length > 255)
        {
            throw new FormatException($"DECIMAL text of {text.Length} characters is longer than any MySQL DECIMAL (65 digits).");
        }

        var n = 0;
        var scale = 0;
        var seenPoint = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '-' && i == 0)
            {
                digits[n++] = '-';
            }
            else if (c == '+' && i == 0)
            {
            }
            else if (c == '.' && !seenPoint)
            {
                seenPoint = true;
            }
            else if (c is >= (byte)'0' and <= (byte)'9')
            {
                digits[n++] = (char)c;
                if (seenPoint)
                {
                    scale++;
                }
            }
            else
            {
                throw new FormatException($"'{System.Text.Encoding.ASCII.GetString(text)}' is not a DECIMAL value.");
            }
        }

        return new MySqlDecimal(BigInteger.Parse(digits[..n], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), scale);
    }

    /// <summary>Converts to System.Decimal; throws OverflowException beyond its 28-29 significant digits.</summary>
    public decimal ToDecimal()
    {
        var unscaled = Unscaled;
        var scale = Scale;
        while (scale > 28 && !unscaled.IsZero && unscaled % 10 == 0)
        {
            unscaled /= 10;
            scale--;
        }

        if (unscaled.IsZero)
        {
            return 0m;
        }

        var magnitude = BigInteger.Abs(unscaled);
        if (scale > 28 || magnitude.GetBitLength() > 96)
        {
            throw new OverflowException($"DECIMAL {this} does not fit System.Decimal (28-29 significant digits); use MySqlDecimal or its text.");
        }

        var bytes = new byte[12];
        magnitude.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return new decimal(
            BitConverter.ToInt32(bytes, 0),
            BitConverter.ToInt32(bytes, 4),
            BitConverter.ToInt32(bytes, 8),
            unscaled.Sign < 0,
            (byte)scale);
    }

    public override string ToString()
    {
        var digits = BigInteger.Abs(Unscaled).ToString(CultureInfo.InvariantCulture);
        if (Scale > 0)
        {
            digits = digits.PadLeft(Scale + 1, '0');
            digits = digits[..^Scale] + "." + digits[^Scale..];
        }

        return Unscaled.Sign < 0 ? "-" + digits : digits;
    }
}
