using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.Storage.AzureStorage;

/// <summary>Which of the Shared Key string-to-sign layouts a service expects.</summary>
internal enum SharedKeyScheme
{
    /// <summary>Blob, Queue and File: all standard headers, x-ms-* headers and every query parameter are signed.</summary>
    BlobQueueFile,

    /// <summary>Table: verb, Content-MD5, Content-Type, date and the resource with only the comp parameter.</summary>
    Table,
}

/// <summary>
/// Signs each attempt with the account key per "Authorize with Shared Key". It runs once per retry, after every
/// other policy has set its headers, because the signature covers the date and all x-ms-* headers.
/// </summary>
internal sealed class SharedKeyAuthenticationPolicy : HttpPipelineSynchronousPolicy
{
    private static readonly string[] SignedStandardHeaders =
    [
        "Content-Encoding", "Content-Language", "Content-Length", "Content-MD5", "Content-Type", "Date",
        "If-Modified-Since", "If-Match", "If-None-Match", "If-Unmodified-Since", "Range",
    ];

    private readonly string accountName;
    private readonly byte[] accountKey;
    private readonly SharedKeyScheme scheme;

    public SharedKeyAuthenticationPolicy(string accountName, string base64AccountKey, SharedKeyScheme scheme)
    {
        this.accountName = accountName;
        this.scheme = scheme;
        try
        {
            accountKey = Convert.FromBase64String(base64AccountKey);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(
                $"The account key for storage account '{accountName}' is not valid base64; copy it again from the portal (Access keys) or the connection string.",
                nameof(base64AccountKey), e);
        }
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        request.Headers.SetValue("x-ms-date", DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture));
        var stringToSign = scheme == SharedKeyScheme.Table ? TableStringToSign(request) : BlobStringToSign(request);
        request.Headers.SetValue("Authorization", $"SharedKey {accountName}:{Sign(stringToSign)}");
    }

    internal string Sign(string stringToSign)
    {
        var bytes = Encoding.UTF8.GetBytes(stringToSign);
        return Convert.ToBase64String(HMACSHA256.HashData(accountKey, bytes));
    }

    internal string BlobStringToSign(Request request)
    {
        var builder = new StringBuilder(256);
        builder.Append(request.Method.Method).Append('\n');
        foreach (var name in SignedStandardHeaders)
        {
            if (name == "Content-Length")
            {
                // Since version 2015-02-21 a zero length is signed as an empty string.
                long length = 0;
                if (request.Content is { } content && content.TryComputeLength(out var computed))
                {
                    length = computed;
                }

                if (length > 0)
                {
                    builder.Append(length.ToString(CultureInfo.InvariantCulture));
                }
            }
            else if (request.Headers.TryGetValue(name, out var value))
            {
                builder.Append(value);
            }

            builder.Append('\n');
        }

        AppendCanonicalizedHeaders(builder, request);
        builder.Append('/').Append(accountName).Append(request.Uri.Path);
        var parameters = ParseQuery(request.Uri.Query);
        parameters.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (var i = 0; i < parameters.Count;)
        {
            var name = parameters[i].Name;
            var values = new List<string>();
            while (i < parameters.Count && parameters[i].Name == name)
            {
                values.Add(parameters[i].Value);
                i++;
            }

            values.Sort(StringComparer.Ordinal);
            builder.Append('\n').Append(name).Append(':').AppendJoin(',', values);
        }

        return builder.ToString();
    }

    internal string TableStringToSign(Request request)
    {
        var builder = new StringBuilder(128);
        builder.Append(request.Method.Method).Append('\n');
        builder.Append(request.Headers.TryGetValue("Content-MD5", out var md5) ? md5 : string.Empty).Append('\n');
        builder.Append(request.Headers.TryGetValue("Content-Type", out var type) ? type : string.Empty).Append('\n');
        builder.Append(request.Headers.TryGetValue("x-ms-date", out var date) ? date : string.Empty).Append('\n');
        builder.Append('/').Append(accountName).Append(request.Uri.Path);
        foreach (var (name, value) in ParseQuery(request.Uri.Query))
        {
            if (name == "comp")
            {
                builder.Append("?comp=").Append(value);
            }
        }

        return builder.ToString();
    }

    private static void AppendCanonicalizedHeaders(StringBuilder builder, Request request)
    {
        var headers = new List<(string Name, string Value)>();
        foreach (var header in request.Headers)
        {
            if (header.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            {
                headers.Add((header.Name.ToLowerInvariant(), header.Value.Trim()));
            }
        }

        headers.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var (name, value) in headers)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }
    }

    private static List<(string Name, string Value)> ParseQuery(string query)
    {
        var result = new List<(string Name, string Value)>();
        var text = query.StartsWith('?') ? query[1..] : query;
        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? string.Empty : pair[(eq + 1)..];
            result.Add((Uri.UnescapeDataString(name).ToLowerInvariant(), Uri.UnescapeDataString(value)));
        }

        return result;
    }
}
