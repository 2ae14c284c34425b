using System.Globalization;
using System.Text;

namespace Serverless.Storage.State;

/// <summary>Row keys built from free text (a table name): the characters keys may not hold (Azure Table rules: '/', '\', '#', '?', control characters) and '%' become %XX.</summary>
public static class StateRowKey
{
    public static string Of(string prefix, string name)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var sb = new StringBuilder(prefix, prefix.Length + name.Length);
        foreach (var c in name)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c))
            {
                sb.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
