using Azure.Data.Tables;
using Azure.Storage;

namespace Serverless.Storage.AzureStorage;

/// <summary>The SDK's Shared Key credentials, built after checking the key so a bad copy is named before any request.</summary>
internal static class SharedKeys
{
    public static StorageSharedKeyCredential ForBlob(string accountName, string accountKey)
    {
        Validate(accountName, accountKey);
        return new StorageSharedKeyCredential(accountName, accountKey);
    }

    public static TableSharedKeyCredential ForTable(string accountName, string accountKey)
    {
        Validate(accountName, accountKey);
        return new TableSharedKeyCredential(accountName, accountKey);
    }

    private static void Validate(string accountName, string accountKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        ArgumentException.ThrowIfNullOrEmpty(accountKey);
        try
        {
            _ = Convert.FromBase64String(accountKey);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(
                $"The account key for storage account '{accountName}' is not valid base64; copy it again from the portal (Access keys) or the connection string.",
                nameof(accountKey),
                e);
        }
    }
}
