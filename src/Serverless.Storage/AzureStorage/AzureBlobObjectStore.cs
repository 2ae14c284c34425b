using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.Storage.AzureStorage;

/// <summary>
/// An object store in one Blob storage container (optionally under a folder prefix), spoken to through the Blob
/// REST API on Azure.Core's pipeline: retries with exponential back-off, Shared Key signing or bearer tokens from
/// a <see cref="TokenCredential"/> (managed identity). Conditional create is Put Blob with If-None-Match: *.
/// </summary>
public sealed class AzureBlobObjectStore : IObjectStore
{
    /// <summary>The token scope for Blob storage data access.</summary>
    public const string StorageScope = "https://storage.azure.com/.default";

    // Identifies the writer of a conditional create, so a retried request that lost its first answer recognises its own blob.
    internal const string WriterIdHeader = "x-ms-meta-serverlesswriter";

    private readonly HttpPipeline pipeline;
    private readonly string containerUrl;
    private readonly string rootPrefix;

    private readonly StorageCredentialKind credentialKind;

    private AzureBlobObjectStore(Uri containerUri, string rootPrefix, HttpPipelinePolicy authentication, StorageCredentialKind credentialKind, AzureBlobObjectStoreOptions? options)
    {
        this.credentialKind = credentialKind;
        ArgumentNullException.ThrowIfNull(containerUri);
        Options = options ?? new AzureBlobObjectStoreOptions();
        Options.Validate();
        containerUrl = containerUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (rootPrefix.Length > 0)
        {
            ObjectPaths.ValidatePrefix(rootPrefix, containerUrl);
        }

        this.rootPrefix = rootPrefix.Length == 0 || rootPrefix.EndsWith('/') ? rootPrefix : rootPrefix + "/";
        Location = rootPrefix.Length == 0 ? containerUrl : $"{containerUrl}/{this.rootPrefix.TrimEnd('/')}";
        pipeline = HttpPipelineBuilder.Build(Options, perCallPolicies: [], perRetryPolicies: [authentication], responseClassifier: new ResponseClassifier());
    }

    public string Location { get; }

    internal AzureBlobObjectStoreOptions Options { get; }

    /// <summary>A store that signs requests with the storage account key (Azurite, or accounts with Shared Key enabled).</summary>
    public static AzureBlobObjectStore WithAccountKey(Uri containerUri, string accountName, string accountKey, string rootPrefix = "", AzureBlobObjectStoreOptions? options = null) =>
        new(containerUri, rootPrefix, new SharedKeyAuthenticationPolicy(accountName, accountKey, SharedKeyScheme.BlobQueueFile), StorageCredentialKind.AccountKey, options);

    /// <summary>A store that authenticates with Entra ID tokens, e.g. ManagedIdentityCredential or DefaultAzureCredential.</summary>
    public static AzureBlobObjectStore WithTokenCredential(Uri containerUri, TokenCredential credential, string rootPrefix = "", AzureBlobObjectStoreOptions? options = null) =>
        new(containerUri, rootPrefix, new BearerTokenAuthenticationPolicy(credential, StorageScope), StorageCredentialKind.Token, options);

    /// <summary>Creates the container; false when it already existed.</summary>
    public async Task<bool> CreateContainerAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Put, containerUrl + "?restype=container");
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 409 && AzureStorageErrors.ErrorCodeOf(response) == "ContainerAlreadyExists")
        {
            return false;
        }

        EnsureSuccess(response, "Create Container", containerUrl);
        return true;
    }

    /// <summary>Deletes the container and everything in it; false when it did not exist.</summary>
    public async Task<bool> DeleteContainerAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, containerUrl + "?restype=container");
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404)
        {
            return false;
        }

        EnsureSuccess(response, "Delete Container", containerUrl);
        return true;
    }

    public Task<ObjectInfo> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        PutIfAbsentAsync(path, content, Guid.NewGuid().ToString("N"), cancellationToken);

    internal async Task<ObjectInfo> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> content, string writerId, CancellationToken cancellationToken)
    {
        using var message = CreatePutBlob(path, content, ifNoneMatchAny: true, writerId);
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (IsAlreadyExists(response))
        {
            return await ClaimOwnWriteOrThrowAsync(path, writerId, cancellationToken).ConfigureAwait(false);
        }

        EnsureSuccess(response, "Put Blob (create only)", DescribeTarget(path));
        return InfoFrom(path, content.Length, response);
    }

    public async Task<ObjectInfo> PutAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        using var message = CreatePutBlob(path, content, ifNoneMatchAny: false, writerId: null);
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        EnsureSuccess(response, "Put Blob", DescribeTarget(path));
        return InfoFrom(path, content.Length, response);
    }

    public Task<ObjectWriteStream> OpenWriteAsync(string path, bool overwrite = true, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectPaths.ValidatePath(path, Location);
        ObjectWriteStream stream = new AzureBlobWriteStream(this, path, overwrite);
        return Task.FromResult(stream);
    }

    public async Task<byte[]> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Get, BlobUrl(path));
        message.BufferResponse = false;
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        ThrowIfNotFound(response, path);
        EnsureSuccess(response, "Get Blob", DescribeTarget(path));
        return await ReadBodyAsync(response, path, cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]> GetRangeAsync(string path, long offset, int length, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
        {
            _ = await HeadAsync(path, cancellationToken).ConfigureAwait(false) ?? throw new ObjectNotFoundException(Location, path);
            return [];
        }

        using var message = CreateMessage(RequestMethod.Get, BlobUrl(path));
        message.BufferResponse = false;
        message.Request.Headers.Add("x-ms-range", string.Create(CultureInfo.InvariantCulture, $"bytes={offset}-{offset + length - 1}"));
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        ThrowIfNotFound(response, path);
        if (response.Status == 416)
        {
            // The range starts at or after the end of the object.
            return [];
        }

        EnsureSuccess(response, "Get Blob (range)", DescribeTarget(path));
        return await ReadBodyAsync(response, path, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ObjectInfo?> HeadAsync(string path, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Head, BlobUrl(path));
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404 && AzureStorageErrors.ErrorCodeOf(response) is null or "BlobNotFound")
        {
            return null;
        }

        EnsureSuccess(response, "Get Blob Properties", DescribeTarget(path));
        return InfoFrom(path, ContentLengthOf(response), response);
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectPaths.ValidatePrefix(prefix, Location);
        var fullPrefix = rootPrefix + prefix;
        string? marker = null;
        do
        {
            var url = new StringBuilder(containerUrl).Append("?restype=container&comp=list&maxresults=")
                .Append(Options.ListPageSize.ToString(CultureInfo.InvariantCulture));
            if (fullPrefix.Length > 0)
            {
                url.Append("&prefix=").Append(Uri.EscapeDataString(fullPrefix));
            }

            if (marker is not null)
            {
                url.Append("&marker=").Append(Uri.EscapeDataString(marker));
            }

            BlobListingPage page;
            using (var message = CreateMessage(RequestMethod.Get, url.ToString()))
            {
                var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
                EnsureSuccess(response, "List Blobs", $"prefix '{prefix}' in {Location}");
                page = BlobListingPage.Parse(response.ContentStream ?? Stream.Null);
            }

            foreach (var (name, size, lastModified, etag) in page.Blobs)
            {
                yield return new ObjectInfo(name[rootPrefix.Length..], size, lastModified, etag);
            }

            marker = page.NextMarker;
        }
        while (marker is not null);
    }

    public async Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, BlobUrl(path));
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404 && AzureStorageErrors.ErrorCodeOf(response) == "BlobNotFound")
        {
            return;
        }

        EnsureSuccess(response, "Delete Blob", DescribeTarget(path));
    }

    internal static bool IsAlreadyExists(Response response) =>
        response.Status == 412 || (response.Status == 409 && AzureStorageErrors.ErrorCodeOf(response) == "BlobAlreadyExists");

    internal string BlobUrl(string path)
    {
        ObjectPaths.ValidatePath(path, Location);
        var name = rootPrefix + path;
        var url = new StringBuilder(containerUrl.Length + name.Length + 16).Append(containerUrl);
        foreach (var segment in name.Split('/'))
        {
            url.Append('/').Append(Uri.EscapeDataString(segment));
        }

        return url.ToString();
    }

    internal string DescribeTarget(string path) => $"'{path}' in {Location}";

    internal HttpMessage CreateMessage(RequestMethod method, string url)
    {
        var message = pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(new Uri(url));
        message.Request.Headers.Add("x-ms-version", Options.ServiceVersion);
        return message;
    }

    internal HttpMessage CreatePutBlob(string path, ReadOnlyMemory<byte> content, bool ifNoneMatchAny, string? writerId)
    {
        var message = CreateMessage(RequestMethod.Put, BlobUrl(path));
        message.Request.Headers.Add("x-ms-blob-type", "BlockBlob");
        if (ifNoneMatchAny)
        {
            message.Request.Headers.Add("If-None-Match", "*");
        }

        if (writerId is not null)
        {
            message.Request.Headers.Add(WriterIdHeader, writerId);
        }

        message.Request.Content = RequestContent.Create(content);
        return message;
    }

    internal async ValueTask<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            throw new StorageRequestException(
                $"{message.Request.Method} {message.Request.Uri} could not reach {Location} after retries: {e.Message}. "
                + "Check the endpoint URL, DNS and network access (VNet, firewall) to the storage account.", e.Status, e.ErrorCode, e);
        }

        return message.Response;
    }

    internal Response Send(HttpMessage message, CancellationToken cancellationToken)
    {
        try
        {
            pipeline.Send(message, cancellationToken);
        }
        catch (RequestFailedException e)
        {
            throw new StorageRequestException(
                $"{message.Request.Method} {message.Request.Uri} could not reach {Location} after retries: {e.Message}. "
                + "Check the endpoint URL, DNS and network access (VNet, firewall) to the storage account.", e.Status, e.ErrorCode, e);
        }

        return message.Response;
    }

    internal void EnsureSuccess(Response response, string operation, string target)
    {
        if (response.Status is >= 200 and < 300)
        {
            return;
        }

        throw AzureStorageErrors.Create(response, operation, target, credentialKind);
    }

    /// <summary>
    /// A conditional create answered "already exists". If a retry re-sent a request whose first attempt had in fact
    /// created the blob, the blob carries our writer id and the create succeeded; otherwise another writer won.
    /// </summary>
    internal async Task<ObjectInfo> ClaimOwnWriteOrThrowAsync(string path, string writerId, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Head, BlobUrl(path));
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 200 && response.Headers.TryGetValue(WriterIdHeader, out var stored) && stored == writerId)
        {
            return InfoFrom(path, ContentLengthOf(response), response);
        }

        throw new ObjectAlreadyExistsException(Location, path);
    }

    internal static ObjectInfo InfoFrom(string path, long size, Response response)
    {
        var lastModified = response.Headers.TryGetValue("Last-Modified", out var text)
            ? DateTimeOffset.ParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : DateTimeOffset.UtcNow;
        var etag = response.Headers.TryGetValue("ETag", out var value) ? value : null;
        return new ObjectInfo(path, size, lastModified, etag);
    }

    private static long ContentLengthOf(Response response) =>
        response.Headers.TryGetValue("Content-Length", out var text) ? long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : 0;

    private void ThrowIfNotFound(Response response, string path)
    {
        if (response.Status == 404 && AzureStorageErrors.ErrorCodeOf(response) is null or "BlobNotFound")
        {
            throw new ObjectNotFoundException(Location, path);
        }
    }

    private async Task<byte[]> ReadBodyAsync(Response response, string path, CancellationToken cancellationToken)
    {
        var length = ContentLengthOf(response);
        if (length > Array.MaxLength)
        {
            throw new IOException($"Object {DescribeTarget(path)} is {length} bytes, too large to read whole; read it with GetRangeAsync in parts.");
        }

        var body = response.ContentStream ?? Stream.Null;
        var buffer = new byte[length];
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await body.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException($"The connection closed after {total} of {length} bytes of {DescribeTarget(path)}; retry the read.");
            }

            total += n;
        }

        return buffer;
    }
}
