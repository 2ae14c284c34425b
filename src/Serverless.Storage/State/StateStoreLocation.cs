using Azure.Core;
using Azure.Identity;
using Serverless.Storage.AzureStorage;

namespace Serverless.Storage.State;

/// <summary>
/// Turns a configured location into a state store: a local folder path or file:// URI;
/// https://account.table.core.windows.net/table (Entra ID: the given credential, else DefaultAzureCredential); or a
/// connection string (UseDevelopmentStorage=true, or AccountName/AccountKey[/TableEndpoint]) with Table=name.
/// </summary>
public static class StateStoreLocation
{
    public static IStateStore Open(string location, TokenCredential? credential = null, AzureTableStateStoreOptions? tableOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        var text = location.Trim();

        if (AzureStorageConnectionString.LooksLikeConnectionString(text))
        {
            var connection = AzureStorageConnectionString.Parse(text);
            if (string.IsNullOrEmpty(connection.Table))
            {
                throw new FormatException($"The storage connection string ({connection}) names no table; add ';Table=<name>'.");
            }

            return AzureTableStateStore.WithAccountKey(connection.TableEndpoint, connection.Table, connection.AccountName, connection.AccountKey, tableOptions);
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
        {
            if (uri.Scheme != "https")
            {
                throw new ArgumentException(
                    $"'{location}' uses http; Entra ID tokens are only sent over https. Use the https URL, or a connection string (e.g. UseDevelopmentStorage=true;Table=...) for Azurite.",
                    nameof(location));
            }

            var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (segments.Length != 1)
            {
                throw new ArgumentException($"'{location}' should be https://<account>.table.core.windows.net/<table>.", nameof(location));
            }

            var endpoint = new UriBuilder(uri.Scheme, uri.Host, uri.Port).Uri;
            return AzureTableStateStore.WithTokenCredential(endpoint, segments[0], credential ?? new DefaultAzureCredential(), tableOptions);
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var fileUri) && fileUri.IsFile)
        {
            return new LocalFolderStateStore(fileUri.LocalPath);
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'{location}' is not a supported state location: use a folder path, file://, https://<account>.table.core.windows.net/<table> or a storage connection string with Table=.",
                nameof(location));
        }

        return new LocalFolderStateStore(text);
    }
}
