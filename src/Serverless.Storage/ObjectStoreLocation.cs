using Azure.Core;
using Azure.Identity;
using Serverless.Storage.AzureStorage;
using Serverless.Storage.Local;

namespace Serverless.Storage;

/// <summary>
/// Turns a configured location into an object store:
/// a local folder path or file:// URI; https://account.blob.core.windows.net/container[/prefix] (Entra ID: the given
/// credential, else DefaultAzureCredential, which uses the managed identity on Azure); or a connection string
/// (UseDevelopmentStorage=true, or AccountName/AccountKey[/BlobEndpoint]) with Container=name[;Prefix=folder].
/// </summary>
public static class ObjectStoreLocation
{
    public static IObjectStore Open(string location, TokenCredential? credential = null, AzureBlobObjectStoreOptions? blobOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        var text = location.Trim();

        if (AzureStorageConnectionString.LooksLikeConnectionString(text))
        {
            var connection = AzureStorageConnectionString.Parse(text);
            if (string.IsNullOrEmpty(connection.Container))
            {
                throw new FormatException(
                    $"The storage connection string ({connection}) names no container; add ';Container=<name>' (and optionally ';Prefix=<folder>').");
            }

            var containerUri = new Uri($"{connection.BlobEndpoint.AbsoluteUri.TrimEnd('/')}/{connection.Container}");
            return AzureBlobObjectStore.WithAccountKey(containerUri, connection.AccountName, connection.AccountKey, connection.Prefix, blobOptions);
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
        {
            var (containerUri, prefix) = SplitContainerUrl(uri);
            if (uri.Scheme != "https")
            {
                throw new ArgumentException(
                    $"'{location}' uses http; Entra ID tokens are only sent over https. Use the https URL, or a connection string (e.g. UseDevelopmentStorage=true;Container=...) for Azurite.",
                    nameof(location));
            }

            return AzureBlobObjectStore.WithTokenCredential(containerUri, credential ?? new DefaultAzureCredential(), prefix, blobOptions);
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var fileUri) && fileUri.IsFile)
        {
            return new LocalFolderObjectStore(fileUri.LocalPath);
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'{location}' is not a supported location: use a folder path, file://, https://<account>.blob.core.windows.net/<container>[/<prefix>] or a storage connection string with Container=.",
                nameof(location));
        }

        return new LocalFolderObjectStore(text);
    }

    /// <summary>
    /// Splits a blob URL into container URL and prefix. Account-named hosts (account.blob.core.windows.net) carry the
    /// container first in the path; path-style endpoints (Azurite, 127.0.0.1:10000/account) carry the account first.
    /// </summary>
    internal static (Uri ContainerUri, string Prefix) SplitContainerUrl(Uri uri)
    {
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var pathStyle = !uri.Host.Contains(".blob.", StringComparison.OrdinalIgnoreCase);
        var containerIndex = pathStyle ? 1 : 0;
        if (segments.Length <= containerIndex)
        {
            throw new ArgumentException(
                $"'{uri}' names no container; use https://<account>.blob.core.windows.net/<container>[/<prefix>].", nameof(uri));
        }

        var root = new UriBuilder(uri.Scheme, uri.Host, uri.Port, string.Join('/', segments[..(containerIndex + 1)])).Uri;
        var prefix = string.Join('/', segments[(containerIndex + 1)..].Select(Uri.UnescapeDataString));
        return (root, prefix);
    }
}
