using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Serverless.Storage.State;

namespace Serverless.Storage.AzureStorage;

/// <summary>
/// State entities in one Azure Table over the Table REST API (OData JSON) on Azure.Core's pipeline. The JSON
/// document is one string property; the service's ETag drives If-Match for optimistic concurrency.
/// </summary>
public sealed class AzureTableStateStore : IStateStore
{
    private const string JsonProperty = "Json";

    private readonly HttpPipeline pipeline;
    private readonly string serviceUrl;
    private readonly string tableName;
    private readonly StorageCredentialKind credentialKind;
    private readonly AzureTableStateStoreOptions options;

    private AzureTableStateStore(Uri tableServiceEndpoint, string tableName, HttpPipelinePolicy authentication, StorageCredentialKind credentialKind, AzureTableStateStoreOptions? options)
    {
        ArgumentNullException.ThrowIfNull(tableServiceEndpoint);
        if (tableName.Length is < 3 or > 63 || !char.IsAsciiLetter(tableName[0]) || !tableName.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"Table name '{tableName}' is invalid: use 3-63 letters and digits, starting with a letter.", nameof(tableName));
        }

        this.options = options ?? new AzureTableStateStoreOptions();
        if (this.options.PageSize is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), this.options.PageSize, "Page size must be between 1 and 1000 (the service's $top limit).");
        }

        serviceUrl = tableServiceEndpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        this.tableName = tableName;
        this.credentialKind = credentialKind;
        Location = $"{serviceUrl}/{tableName}";
        pipeline = HttpPipelineBuilder.Build(this.options, perCallPolicies: [], perRetryPolicies: [authentication], responseClassifier: new ResponseClassifier());
    }

    public string Location { get; }

    public static AzureTableStateStore WithAccountKey(Uri tableServiceEndpoint, string tableName, string accountName, string accountKey, AzureTableStateStoreOptions? options = null) =>
        new(tableServiceEndpoint, tableName, new SharedKeyAuthenticationPolicy(accountName, accountKey, SharedKeyScheme.Table), StorageCredentialKind.AccountKey, options);

    public static AzureTableStateStore WithTokenCredential(Uri tableServiceEndpoint, string tableName, TokenCredential credential, AzureTableStateStoreOptions? options = null) =>
        new(tableServiceEndpoint, tableName, new BearerTokenAuthenticationPolicy(credential, AzureBlobObjectStore.StorageScope), StorageCredentialKind.Token, options);

    /// <summary>Creates the table; false when it already existed.</summary>
    public async Task<bool> CreateTableAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Post, serviceUrl + "/Tables");
        SetJsonBody(message, writer => writer.WriteString("TableName", tableName));
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 409)
        {
            return false;
        }

        EnsureSuccess(response, "Create Table", Location);
        return true;
    }

    /// <summary>Deletes the table and its entities; false when it did not exist.</summary>
    public async Task<bool> DeleteTableAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, $"{serviceUrl}/Tables('{tableName}')");
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404)
        {
            return false;
        }

        EnsureSuccess(response, "Delete Table", Location);
        return true;
    }

    public async Task<StateEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        StateKeys.Validate(partitionKey, rowKey, Location);
        using var message = CreateMessage(RequestMethod.Get, EntityUrl(partitionKey, rowKey));
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404 && AzureStorageErrors.ErrorCodeOf(response) is null or "ResourceNotFound")
        {
            return null;
        }

        EnsureSuccess(response, "Query Entity", Describe(partitionKey, rowKey));
        using var document = await JsonDocument.ParseAsync(response.ContentStream!, cancellationToken: cancellationToken).ConfigureAwait(false);
        return EntityFrom(document.RootElement, response.Headers.ETag?.ToString());
    }

    public async Task<StateEntity> InsertAsync(string partitionKey, string rowKey, string json, CancellationToken cancellationToken = default)
    {
        StateKeys.Validate(partitionKey, rowKey, Location);
        StateKeys.ValidateJson(json, partitionKey, rowKey, Location);
        using var message = CreateMessage(RequestMethod.Post, $"{serviceUrl}/{tableName}");
        message.Request.Headers.Add("Prefer", "return-no-content");
        SetEntityBody(message, partitionKey, rowKey, json);
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 409 && AzureStorageErrors.ErrorCodeOf(response) == "EntityAlreadyExists")
        {
            throw new StateConflictException(Location, partitionKey, rowKey, "an entity with these keys exists already");
        }

        EnsureSuccess(response, "Insert Entity", Describe(partitionKey, rowKey));
        return Written(partitionKey, rowKey, json, response);
    }

    public async Task<StateEntity> UpsertAsync(string partitionKey, string rowKey, string json, CancellationToken cancellationToken = default)
    {
        StateKeys.Validate(partitionKey, rowKey, Location);
        StateKeys.ValidateJson(json, partitionKey, rowKey, Location);
        using var message = CreateMessage(RequestMethod.Put, EntityUrl(partitionKey, rowKey));
        SetEntityBody(message, partitionKey, rowKey, json);
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        EnsureSuccess(response, "Insert Or Replace Entity", Describe(partitionKey, rowKey));
        return Written(partitionKey, rowKey, json, response);
    }

    public async Task<StateEntity> ReplaceAsync(string partitionKey, string rowKey, string json, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        StateKeys.Validate(partitionKey, rowKey, Location);
        StateKeys.ValidateJson(json, partitionKey, rowKey, Location);
        using var message = CreateMessage(RequestMethod.Put, EntityUrl(partitionKey, rowKey));
        message.Request.Headers.Add("If-Match", etag);
        SetEntityBody(message, partitionKey, rowKey, json);
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        ThrowIfConflict(response, partitionKey, rowKey);
        EnsureSuccess(response, "Update Entity", Describe(partitionKey, rowKey));
        return Written(partitionKey, rowKey, json, response);
    }

    public async IAsyncEnumerable<StateEntity> ListAsync(string partitionKey, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StateKeys.ValidateKey(partitionKey, "partition key", Location, nameof(partitionKey));
        var filter = Uri.EscapeDataString($"PartitionKey eq '{partitionKey.Replace("'", "''", StringComparison.Ordinal)}'");
        string? nextPartition = null;
        string? nextRow = null;
        do
        {
            var url = new StringBuilder($"{serviceUrl}/{tableName}()?$filter={filter}&$top={options.PageSize.ToString(CultureInfo.InvariantCulture)}");
            if (nextPartition is not null)
            {
                url.Append("&NextPartitionKey=").Append(Uri.EscapeDataString(nextPartition));
            }

            if (nextRow is not null)
            {
                url.Append("&NextRowKey=").Append(Uri.EscapeDataString(nextRow));
            }

            var page = new List<StateEntity>();
            using (var message = CreateMessage(RequestMethod.Get, url.ToString()))
            {
                var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
                EnsureSuccess(response, "Query Entities", $"partition '{partitionKey}' in {Location}");
                using var document = await JsonDocument.ParseAsync(response.ContentStream!, cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var element in document.RootElement.GetProperty("value").EnumerateArray())
                {
                    page.Add(EntityFrom(element, null));
                }

                nextPartition = response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var p) ? p : null;
                nextRow = response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var r) ? r : null;
            }

            foreach (var entity in page)
            {
                yield return entity;
            }
        }
        while (nextPartition is not null);
    }

    public async Task<bool> DeleteAsync(string partitionKey, string rowKey, string? etag = null, CancellationToken cancellationToken = default)
    {
        StateKeys.Validate(partitionKey, rowKey, Location);
        using var message = CreateMessage(RequestMethod.Delete, EntityUrl(partitionKey, rowKey));
        message.Request.Headers.Add("If-Match", etag ?? "*");
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404 && AzureStorageErrors.ErrorCodeOf(response) is null or "ResourceNotFound")
        {
            return false;
        }

        ThrowIfConflict(response, partitionKey, rowKey);
        EnsureSuccess(response, "Delete Entity", Describe(partitionKey, rowKey));
        return true;
    }

    private static string Literal(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));

    private static StateEntity Written(string partitionKey, string rowKey, string json, Response response)
    {
        var etag = response.Headers.ETag?.ToString() ?? throw new InvalidDataException($"The table service answered a write of ({partitionKey}, {rowKey}) without an ETag.");
        return new StateEntity(partitionKey, rowKey, json, etag, DateTimeOffset.UtcNow);
    }

    private StateEntity EntityFrom(JsonElement element, string? etag)
    {
        var partitionKey = element.GetProperty("PartitionKey").GetString()!;
        var rowKey = element.GetProperty("RowKey").GetString()!;
        var json = element.TryGetProperty(JsonProperty, out var j) ? j.GetString() ?? string.Empty : string.Empty;
        etag ??= element.TryGetProperty("odata.etag", out var e) ? e.GetString() : null;
        var timestamp = element.TryGetProperty("Timestamp", out var t) ? t.GetDateTimeOffset() : DateTimeOffset.MinValue;
        return new StateEntity(partitionKey, rowKey, json, etag ?? throw new InvalidDataException($"Entity ({partitionKey}, {rowKey}) in {Location} came without an ETag."), timestamp);
    }

    private string EntityUrl(string partitionKey, string rowKey) =>
        $"{serviceUrl}/{tableName}(PartitionKey='{Literal(partitionKey)}',RowKey='{Literal(rowKey)}')";

    private string Describe(string partitionKey, string rowKey) => $"({partitionKey}, {rowKey}) in {Location}";

    private void ThrowIfConflict(Response response, string partitionKey, string rowKey)
    {
        if (response.Status == 412)
        {
            throw new StateConflictException(Location, partitionKey, rowKey, "it changed since it was read (ETag mismatch)");
        }

        if (response.Status == 404 && AzureStorageErrors.ErrorCodeOf(response) is null or "ResourceNotFound")
        {
            throw new StateConflictException(Location, partitionKey, rowKey, "it does not exist (deleted meanwhile?)");
        }
    }

    private HttpMessage CreateMessage(RequestMethod method, string url)
    {
        var message = pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(new Uri(url));
        message.Request.Headers.Add("x-ms-version", options.ServiceVersion);
        message.Request.Headers.Add("DataServiceVersion", "3.0");
        message.Request.Headers.Add("Accept", "application/json;odata=minimalmetadata");
        return message;
    }

    private static void SetEntityBody(HttpMessage message, string partitionKey, string rowKey, string json) =>
        SetJsonBody(message, writer =>
        {
            writer.WriteString("PartitionKey", partitionKey);
            writer.WriteString("RowKey", rowKey);
            writer.WriteString(JsonProperty, json);
        });

    private static void SetJsonBody(HttpMessage message, Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        message.Request.Headers.Add("Content-Type", "application/json");
        message.Request.Content = RequestContent.Create(buffer.WrittenMemory);
    }

    private async ValueTask<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
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

    private void EnsureSuccess(Response response, string operation, string target)
    {
        if (response.Status is < 200 or >= 300)
        {
            throw AzureStorageErrors.Create(response, operation, target, credentialKind);
        }
    }
}
