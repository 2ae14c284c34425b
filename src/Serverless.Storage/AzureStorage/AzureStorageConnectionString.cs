namespace Serverless.Storage.AzureStorage;

/// <summary>
/// The parts of an Azure Storage connection string this project uses: account name and key and the service
/// endpoints, including the UseDevelopmentStorage=true shorthand for Azurite. Container, Prefix and Table are our
/// own additions so one string can name a place in a container or a table.
/// </summary>
internal sealed record AzureStorageConnectionString(string AccountName, string AccountKey, Uri BlobEndpoint, Uri TableEndpoint, string? Container, string Prefix, string? Table)
{
    /// <summary>Azurite's published development account.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static bool LooksLikeConnectionString(string text) =>
        text.Contains('=', StringComparison.Ordinal)
        && (text.Contains("AccountName=", StringComparison.OrdinalIgnoreCase)
            || text.Contains("UseDevelopmentStorage=", StringComparison.OrdinalIgnoreCase)
            || text.Contains("BlobEndpoint=", StringComparison.OrdinalIgnoreCase));

    public static AzureStorageConnectionString Parse(string text)
    {
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"The storage connection string has a part without 'name=value' ('{Redact(pair)}'); separate settings with ';'.");
            }

            parts[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }

        parts.TryGetValue("Container", out var container);
        var prefix = parts.TryGetValue("Prefix", out var p) ? p.Trim('/') : string.Empty;
        parts.TryGetValue("Table", out var table);

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && dev.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            var proxy = parts.TryGetValue("DevelopmentStorageProxyUri", out var proxyUri) ? new Uri(proxyUri) : new Uri("http://127.0.0.1");
            return new AzureStorageConnectionString(
                DevelopmentAccountName,
                DevelopmentAccountKey,
                new Uri($"{proxy.Scheme}://{proxy.Host}:10000/{DevelopmentAccountName}"),
                new Uri($"{proxy.Scheme}://{proxy.Host}:10002/{DevelopmentAccountName}"),
                container,
                prefix,
                table);
        }

        if (!parts.TryGetValue("AccountName", out var account) || account.Length == 0)
        {
            throw new FormatException("The storage connection string has no AccountName; copy the full string from the portal (Access keys) or use UseDevelopmentStorage=true for Azurite.");
        }

        if (!parts.TryGetValue("AccountKey", out var key) || key.Length == 0)
        {
            throw new FormatException($"The storage connection string for account '{account}' has no AccountKey; add it, or use an https:// URL to sign in with a managed identity instead.");
        }

        var protocol = parts.TryGetValue("DefaultEndpointsProtocol", out var proto) ? proto : "https";
        var suffix = parts.TryGetValue("EndpointSuffix", out var s) ? s : "core.windows.net";
        var blob = parts.TryGetValue("BlobEndpoint", out var blobText) ? new Uri(blobText.TrimEnd('/')) : new Uri($"{protocol}://{account}.blob.{suffix}");
        var tableEndpoint = parts.TryGetValue("TableEndpoint", out var tableText) ? new Uri(tableText.TrimEnd('/')) : new Uri($"{protocol}://{account}.table.{suffix}");
        return new AzureStorageConnectionString(account, key, blob, tableEndpoint, container, prefix, table);
    }

    public override string ToString() => $"AccountName={AccountName};BlobEndpoint={BlobEndpoint};TableEndpoint={TableEndpoint}";

    private static string Redact(string part) => part.Length <= 12 ? part : part[..12] + "...";
}
