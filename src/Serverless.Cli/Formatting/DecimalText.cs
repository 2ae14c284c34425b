using System.Globalization;

namespace Serverless.Cli.Formatting;

/// <summary>Exact text of a Delta decimal from its unscaled integer: always exactly <c>scale</c> digits after the point (1.50 stays 1.50).</summary>
internal static class DecimalText
{
    /// <summary>Sign, 39 digits, point, leading zero.</summary>
    public const int MaxLength = 48;

    public static int Format(Int128 unscaled, int scale, Span<char> destination)
    {
        var n = 0;
        UInt128 magnitude;
        if (unscaled < 0)
        {
            destination[n++] = '-';
            magnitude = (UInt128)(-(unscaled + 1)) + 1;
        }
        else
        {
            magnitude = (UInt128)unscaled;
        }

        Span<char> digits = stackalloc char[40];
        magnitude.TryFormat(digits, out var count, default, CultureInfo.InvariantCulture);
        digits = digits[..count];
        if (scale <= 0)
        {
            digits.CopyTo(destination[n..]);
            return n + count;
        }

        if (count <= scale)
        {
            destination[n++] = '0';
            destination[n++] = '.';
            destination.Slice(n, scale - count).Fill('0');
            n += scale - count;
            digits.CopyTo(destination[n..]);
            return n + count;
        }

        var whole = count - scale;
        digits[..whole].CopyTo(destination[n..]);
        n += whole;
        destination[n++] = '.';
        digits[whole..].CopyTo(destination[n..]);
        return n + scale;
    }
}
