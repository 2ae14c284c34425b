namespace Serverless.MySql.Client;

/// <summary>Which server family is on the other end.</summary>
public enum MySqlServerFlavor
{
    MySql,
    MariaDb,
}

/// <summary>The server version from the handshake, with MariaDB's replication-compatibility "5.5.5-" prefix removed.</summary>
public sealed record MySqlServerVersion(MySqlServerFlavor Flavor, int Major, int Minor, int Patch, string Text)
{
    public static MySqlServerVersion Parse(string text)
    {
        var isMariaDb = text.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
        var version = text;
        if (isMariaDb && version.StartsWith("5.5.5-", StringComparison.Ordinal))
        {
            version = version["5.5.5-".Length..];
        }

        Span<int> parts = [0, 0, 0];
        var part = 0;
        var i = 0;
        while (part < 3 && i < version.Length)
        {
            var start = i;
            while (i < version.Length && char.IsAsciiDigit(version[i]))
            {
                i++;
            }

            if (i == start)
            {
                break;
            }

            parts[part++] = int.Parse(version.AsSpan(start, i - start));
            if (i < version.Length && version[i] == '.')
            {
                i++;
            }
            else
            {
                break;
            }
        }

        return new MySqlServerVersion(isMariaDb ? MySqlServerFlavor.MariaDb : MySqlServerFlavor.MySql, parts[0], parts[1], parts[2], version);
    }

    public bool IsAtLeast(int major, int minor, int patch = 0) =>
        Major != major ? Major > major : Minor != minor ? Minor > minor : Patch >= patch;

    public override string ToString() => $"{Flavor} {Major}.{Minor}.{Patch}";
}
