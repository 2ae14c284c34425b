using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Serverless.Storage.State;

namespace Serverless.Storage.AzureStorage;

/// <summary>
/// State entities in one Azure Table on the Azure SDK (Azure.Data.Tables). The JSON document is one string property;
/// the service's ETag drives If-Match for optimistic concurrency.
/// </summary>
public sealed class AzureTableStateStore : IStateStore
{
    private const string JsonProperty = "Json";

    private readonly TableClient table;
    private readonly StorageTarget target;
    private readonly AzureTableStateStoreOptions options;

    private AzureTableStateStore(Uri tableServiceEndpoint, string tableName, StorageCredentialKind credentialKind, AzureTableStateStoreOptions? options, Func<Uri, TableClientOptions, TableClient> connect)
    {
        ArgumentNullException.ThrowIfNull(tableServiceEndpoint);
        ArgumentNullException.ThrowIfNull(tableName);
        if (tableName.Length is < 3 or > 63 || !char.IsAsciiLetter(tableName[0]) || !tableName.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"Table name '{tableName}' is invalid: use 3-63 letters and digits, starting with a letter.", nameof(tableName));
        }

        this.options = options ?? new AzureTableStateStoreOptions();
        if (this.options.PageSize is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), this.options.PageSize, "Page size must be between 1 and 1000 (the service's $top limit).");
        }

        var serviceUrl = tableServiceEndpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        Location = $"{serviceUrl}/{tableName}";
        target = new StorageTarget(Location, StorageService.Table, credentialKind);
        table = connect(new Uri(serviceUrl), this.options);
    }

    public string Location { get; }

    public static AzureTableStateStore WithAccountKey(Uri tableServiceEndpoint, string tableName, string accountName, string accountKey, AzureTableStateStoreOptions? options = null)
    {
        var credential = SharedKeys.ForTable(accountName, accountKey);
        return new(tableServiceEndpoint, tableName, StorageCredentialKind.AccountKey, options, (uri, o) => new TableClient(uri, tableName, credential, o));
    }

    public static AzureTableStateStore WithTokenCredential(Uri tableServiceEndpoint, string tableName, TokenCredential credential, AzureTableStateStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return new(tableServiceEndpoint, tableName, StorageCredentialKind.Token, options, (uri, o) => new TableClient(uri, tableName, credential, o));
    }

    /// <summary>Creates the table; false when it already existed.</summary>
    public async Task<bool> CreateTableAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await table.CreateAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409 && AzureStorageErrors.ErrorCodeOf(e) is null or "TableAlreadyExists")
        {
            return false;
        }
        catch (Exception e) when (Failure(e, "Create Table", Location, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Deletes the table and its entities; false when it did not exist.</summary>
    public async Task<bool> DeleteTableAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            // The SDK answers a missing table with its 404 response rather than an exception.
            return (await table.DeleteAsync(cancellationToken).ConfigureAwait(false)).Status != 404;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
        catch (Exception e) when (Failure(e, "Delete Table", Location, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    public async Task<StateEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        StateKeys.Validate(partitionKey, rowKey, Location);
        try
        {
            var response = await table.GetEntityAsync<TableEntity>(partitionKey, rowKey, select: null, cancellationToken).ConfigureAwait(false);
            return EntityFrom(response.Value);
        }
        catch (RequestFailedException e) when (IsEntityMissing(e))
        {
            return null;
        }
        catch (Exception e) when (Failure(e, "Query Entity", Describe(partitionKey, rowKey), cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    public async Task<StateEntity> InsertAsync(string partitionKey, string rowKey, string json, CancellationToken cancellationToken = default)
    {
        var entity = Entity(partitionKey, rowKey, json);
        try
        {
            var response = await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return Written(partitionKey, rowKey, json, response);
        }
        catch (RequestFailedException e) when (e.Status == 409 && AzureStorageErrors.ErrorCodeOf(e) == "EntityAlreadyExists")
        {
            throw new StateConflictException(Location, partitionKey, rowKey, "an entity with these keys exists already");
        }
        catch (Exception e) when (Failure(e, "Insert Entity", Describe(partitionKey, rowKey), cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    public async Task<StateEntity> UpsertAsync(string partitionKey, string rowKey, string json, CancellationToken cancellationToken = default)
    {
        var entity = Entity(partitionKey, rowKey, json);
        try
        {
            var response = await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return Written(partitionKey, rowKey, json, response);
        }
        catch (Exception e) when (Failure(e, "Insert Or Replace Entity", Describe(partitionKey, rowKey), cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    public async Task<StateEntity> ReplaceAsync(string partitionKey, string rowKey, string json, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        var entity = Entity(partitionKey, rowKey, json);
        try
        {
            var response = await table.UpdateEntityAsync(entity, new ETag(etag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return Written(partitionKey, rowKey, json, response);
        }
        catch (RequestFailedException e) when (ConflictReason(e) is { } reason)
        {
            throw new StateConflictException(Location, partitionKey, rowKey, reason);
        }
        catch (Exception e) when (Failure(e, "Update Entity", Describe(partitionKey, rowKey), cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    public async IAsyncEnumerable<StateEntity> ListAsync(string partitionKey, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StateKeys.ValidateKey(partitionKey, "partition key", Location, nameof(partitionKey));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}");
        var pages = table.QueryAsync<TableEntity>(filter, options.PageSize, select: null, cancellationToken).AsPages().GetAsyncEnumerator(cancellationToken);
        await using (pages.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await pages.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (Exception e) when (Failure(e, "Query Entities", $"partition '{partitionKey}' in {Location}", cancellationToken) is { } failure)
                {
                    throw failure;
                }

                foreach (var entity in pages.Current.Values)
                {
                    yield return EntityFrom(entity);
                }
            }
        }
    }

    public async Task<bool> DeleteAsync(string partitionKey, string rowKey, string? etag = null, CancellationToken cancellationToken = default)
    {
        StateKeys.Validate(partitionKey, rowKey, Location);
        Response response;
        try
        {
            response = await table.DeleteEntityAsync(partitionKey, rowKey, etag is null ? ETag.All : new ETag(etag), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (ConflictReason(e) is { } reason && e.Status == 412)
        {
            throw new StateConflictException(Location, partitionKey, rowKey, reason);
        }
        catch (RequestFailedException e) when (IsEntityMissing(e))
        {
            return false;
        }
        catch (Exception e) when (Failure(e, "Delete Entity", Describe(partitionKey, rowKey), cancellationToken) is { } failure)
        {
            throw failure;
        }

        if (response.Status != 404)
        {
            return true;
        }

        // The SDK answers a missing entity with its 404 response rather than an exception; a missing table is still an error.
        var code = response.Headers.TryGetValue("x-ms-error-code", out var value) ? value : null;
        if (code is null or "ResourceNotFound")
        {
            return false;
        }

        throw AzureStorageErrors.Create(new RequestFailedException(response), "Delete Entity", Describe(partitionKey, rowKey), target);
    }

    private static bool IsEntityMissing(RequestFailedException e) => e.Status == 404 && AzureStorageErrors.ErrorCodeOf(e) is null or "ResourceNotFound";

    private static string? ConflictReason(RequestFailedException e) => e.Status switch
    {
        412 => "it changed since it was read (ETag mismatch)",
        404 when IsEntityMissing(e) => "it does not exist (deleted meanwhile?)",
        _ => null,
    };

    private TableEntity Entity(string partitionKey, string rowKey, string json)
    {
        StateKeys.Validate(partitionKey, rowKey, Location);
        StateKeys.ValidateJson(json, partitionKey, rowKey, Location);
        return new TableEntity(partitionKey, rowKey) { [JsonProperty] = json };
    }

    private StateEntity Written(string partitionKey, string rowKey, string json, Response response)
    {
        var etag = response.Headers.ETag?.ToString() ?? throw new InvalidDataException($"The table service answered a write of ({partitionKey}, {rowKey}) in {Location} without an ETag.");
        return new StateEntity(partitionKey, rowKey, json, etag, DateTimeOffset.UtcNow);
    }

    private StateEntity EntityFrom(TableEntity entity)
    {
        var etag = entity.ETag.ToString();
        if (etag.Length == 0)
        {
            throw new InvalidDataException($"Entity ({entity.PartitionKey}, {entity.RowKey}) in {Location} came without an ETag.");
        }

        return new StateEntity(entity.PartitionKey, entity.RowKey, entity.GetString(JsonProperty) ?? string.Empty, etag, entity.Timestamp ?? DateTimeOffset.MinValue);
    }

    private string Describe(string partitionKey, string rowKey) => $"({partitionKey}, {rowKey}) in {Location}";

    private StorageRequestException? Failure(Exception exception, string operation, string what, CancellationToken cancellationToken) =>
        AzureStorageErrors.Translate(exception, operation, what, target, cancellationToken);
}
