namespace Serverless.Storage.AzureStorage;

/// <summary>What an error message needs to know about the store a request went to.</summary>
internal sealed record StorageTarget(string Location, StorageService Service, StorageCredentialKind Credential);

/// <summary>How requests are authorised, which decides what a 403 most likely means.</summary>
internal enum StorageCredentialKind
{
    AccountKey,
    Token,
}

/// <summary>Which storage service a request went to, which decides the role a 403 asks for.</summary>
internal enum StorageService
{
    Blob,
    Table,
}
