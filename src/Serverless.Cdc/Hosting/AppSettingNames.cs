namespace Serverless.Cdc.Hosting;

/// <summary>
/// Every app setting (environment variable) a host on Azure reads, by name. Hosts read configuration only through
/// these constants, never through a string literal: tests/Serverless.Infra.Tests fails when a name here is not set by
/// infra/main.bicep, when infra sets a name that is not here, or when C# under src/, durable-orchestrations/ or
/// functions/ reads a configuration key or environment variable by a literal.
/// </summary>
public static class AppSettingNames
{
    // The Functions host's own storage (triggers, timers, Durable Functions' task hub on the Azure Storage backend),
    // reached with the user-assigned identity instead of a connection string: the host reads the AzureWebJobsStorage
    // connection from these "__" settings.

    /// <summary>Blob endpoint of the host storage account (<c>https://ACCOUNT.blob.core.windows.net/</c>).</summary>
    public const string HostStorageBlobServiceUri = "AzureWebJobsStorage__blobServiceUri";

    /// <summary>Queue endpoint of the host storage account; Durable Functions' control and work-item queues live there.</summary>
    public const string HostStorageQueueServiceUri = "AzureWebJobsStorage__queueServiceUri";

    /// <summary>Table endpoint of the host storage account; Durable Functions' history and instance tables live there.</summary>
    public const string HostStorageTableServiceUri = "AzureWebJobsStorage__tableServiceUri";

    /// <summary><c>managedidentity</c>: the host authenticates to its storage with a managed identity.</summary>
    public const string HostStorageCredential = "AzureWebJobsStorage__credential";

    /// <summary>Client id of the user-assigned identity the host uses for its storage.</summary>
    public const string HostStorageClientId = "AzureWebJobsStorage__clientId";

    /// <summary>
    /// Client id of the user-assigned identity; Azure.Identity's DefaultAzureCredential picks it up, so our own lake,
    /// state and Event Hubs clients (and the CLI's https:// lake URLs) authenticate as that identity.
    /// </summary>
    public const string AzureClientId = "AZURE_CLIENT_ID";

    /// <summary>Application Insights connection string (ingestion endpoint; local authentication is off).</summary>
    public const string ApplicationInsightsConnectionString = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary><c>ClientId=...;Authorization=AAD</c>: telemetry is sent with the identity's Entra ID token.</summary>
    public const string ApplicationInsightsAuthenticationString = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>
    /// The lake container on the ADLS Gen2 account, <c>https://ACCOUNT.blob.core.windows.net/lake</c>: the root under
    /// which jobs started on Azure put their Delta tables (a job's <c>target.root</c> is this URL or a prefix below it).
    /// </summary>
    public const string LakeUrl = "CDC_LAKE_URL";

    /// <summary>The job-state table, <c>https://ACCOUNT.table.core.windows.net/TABLE</c> (a state-store location).</summary>
    public const string StateTableUrl = "CDC_STATE_TABLE_URL";

    /// <summary>Fully qualified Event Hubs namespace (<c>NAME.servicebus.windows.net</c>) that capture publishes to.</summary>
    public const string EventHubsNamespace = "CDC_EVENTHUBS_NAMESPACE";

    /// <summary>The event hub carrying change batches from capture to the lake writers.</summary>
    public const string EventHubName = "CDC_EVENTHUB_NAME";

    /// <summary>The consumer group the lake writers read the event hub with.</summary>
    public const string EventHubConsumerGroup = "CDC_EVENTHUB_CONSUMER_GROUP";

    /// <summary>
    /// The Key Vault (<c>https://NAME.vault.azure.net/</c>) holding the source secrets; app settings reference its
    /// secrets (Key Vault references), and hosts read further secrets from it with the identity.
    /// </summary>
    public const string KeyVaultUri = "CDC_KEY_VAULT_URI";

    /// <summary>The source MySQL/MariaDB host the deployment was made to reach (network integration, firewall).</summary>
    public const string SourceHost = "CDC_SOURCE_HOST";

    /// <summary>
    /// The source password, a Key Vault reference resolved by the platform; job specs on Azure name it as
    /// <c>"password": "env:CDC_SOURCE_PASSWORD"</c>.
    /// </summary>
    public const string SourcePassword = "CDC_SOURCE_PASSWORD";
}
