targetScope = 'subscription'

metadata description = 'Serverless CDC on Azure (azd up): Flex Consumption function app, host storage, ADLS Gen2 lake, Event Hubs, Application Insights, Key Vault and a user-assigned identity with narrow data-plane roles.'

@minLength(1)
@maxLength(64)
@description('azd environment name: names the resource group (rg-NAME) and seeds the unique suffix of every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource; Flex Consumption must be offered there.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@minLength(1)
@description('Host name of the source MySQL or MariaDB server (the app setting CDC_SOURCE_HOST).')
param mysqlHost string

@secure()
@minLength(1)
@description('Password of the source replication user; stored in Key Vault and given to the app as a Key Vault reference (CDC_SOURCE_PASSWORD).')
param mysqlPassword string

@description('Optional VNet integration, to reach a private MySQL server: an existing virtual network (same region and subscription) that reaches it. Empty: no VNet integration.')
param vnetName string = ''

@description('Resource group of vnetName. Empty: the resource group this deployment creates.')
param vnetResourceGroupName string = ''

@description('With vnetName: a free address range in it for the new subnet delegated to Microsoft.App/environments, e.g. 10.0.8.0/26.')
param integrationSubnetPrefix string = ''

@description('Optional Entra ID authentication (Easy Auth) in front of the job API: the application (client) id of the app registration that callers get tokens for. Empty: no Easy Auth.')
param authClientId string = ''

@description('Tenant that issues tokens for authClientId.')
param authTenantId string = tenant().tenantId

@allowed([
  512
  2048
  4096
])
@description('Memory of each Flex Consumption instance in MB; the always-ready instance is billed for this much.')
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
@description('Most instances the app scales out to.')
param maximumInstanceCount int = 40

@minValue(1)
@maxValue(32)
@description('Partitions of the change hub (one writer orchestration each). Cannot be changed after creation on Standard.')
param eventHubPartitionCount int = 4

@minValue(-1)
@description('Daily cap on Log Analytics ingestion in GB (-1: no cap).')
param logDailyCapGb int = 1

// uniqueString gives 13 lowercase letters and digits, so every name below fits its resource's length rules.
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var vnetIntegration = !empty(vnetName)
// Names are computed here, not read from module outputs, so that role assignment names and scopes are known before the
// deployment runs (what-if can then show them).
var names = {
  identity: 'id-cdc-${resourceToken}'
  logAnalytics: 'log-${resourceToken}'
  appInsights: 'appi-${resourceToken}'
  hostStorage: 'st${resourceToken}'
  lakeStorage: 'dl${resourceToken}'
  lakeContainer: 'lake'
  eventHubsNamespace: 'evhns-${resourceToken}'
  eventHub: 'cdc-changes'
  keyVault: 'kv-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-${resourceToken}'
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
    location: location
    tags: tags
    dailyCapGb: logDailyCapGb
  }
}

module hostStorage 'modules/host-storage.bicep' = {
  name: 'host-storage'
  scope: rg
  params: {
    name: names.hostStorage
    location: location
    tags: tags
    deploymentContainerName: 'app-package'
    stateTableName: 'cdcstate'
  }
}

module lake 'modules/lake.bicep' = {
  name: 'lake'
  scope: rg
  params: {
    name: names.lakeStorage
    location: location
    tags: tags
    containerName: names.lakeContainer
  }
}

module eventHubs 'modules/event-hubs.bicep' = {
  name: 'event-hubs'
  scope: rg
  params: {
    namespaceName: names.eventHubsNamespace
    location: location
    tags: tags
    hubName: names.eventHub
    partitionCount: eventHubPartitionCount
    consumerGroupName: 'lake-writers'
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    sourcePassword: mysqlPassword
  }
}

module network 'modules/network.bicep' = if (vnetIntegration) {
  name: 'network'
  scope: resourceGroup(empty(vnetResourceGroupName) ? rg.name : vnetResourceGroupName)
  params: {
    vnetName: vnetName
    subnetPrefix: integrationSubnetPrefix
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    identityName: names.identity
    hostStorageName: names.hostStorage
    lakeStorageName: names.lakeStorage
    lakeContainerName: names.lakeContainer
    eventHubsNamespaceName: names.eventHubsNamespace
    eventHubName: names.eventHub
    keyVaultName: names.keyVault
    appInsightsName: names.appInsights
  }
  dependsOn: [
    identity
    hostStorage
    lake
    eventHubs
    keyVault
    monitoring
  ]
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    planName: names.plan
    name: names.functionApp
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    deploymentContainerUrl: hostStorage.outputs.deploymentContainerUrl
    hostBlobEndpoint: hostStorage.outputs.blobEndpoint
    hostQueueEndpoint: hostStorage.outputs.queueEndpoint
    hostTableEndpoint: hostStorage.outputs.tableEndpoint
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    lakeUrl: lake.outputs.url
    stateTableUrl: hostStorage.outputs.stateTableUrl
    eventHubsNamespace: eventHubs.outputs.fullyQualifiedNamespace
    eventHubName: eventHubs.outputs.hubName
    eventHubConsumerGroup: eventHubs.outputs.consumerGroupName
    keyVaultUri: keyVault.outputs.uri
    sourceHost: mysqlHost
    sourceCredentialUri: keyVault.outputs.sourceCredentialUri
    subnetId: vnetIntegration ? network!.outputs.subnetId : ''
    authClientId: authClientId
    authTenantId: authTenantId
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
  // The app starts with its roles in place: host storage, Key Vault references and telemetry need them from the start.
  dependsOn: [
    roles
  ]
}

@description('Resource group holding everything.')
output AZURE_RESOURCE_GROUP string = rg.name

@description('Name of the function app (azd deploys the functions service to it).')
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name

@description('Job API base URL.')
output CDC_API_URL string = 'https://${functionApp.outputs.defaultHostName}/api'

@description('Lake root URL; a job\'s target.root on Azure is this URL or a prefix below it.')
output CDC_LAKE_URL string = lake.outputs.url
