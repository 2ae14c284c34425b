metadata description = 'The app identity\'s role assignments: built-in data-plane roles only, each on the narrowest scope that works.'

@description('The app\'s user-assigned identity.')
param identityName string

@description('Host storage account (Functions host, Durable Functions task hub, job state).')
param hostStorageName string

@description('Lake storage account.')
param lakeStorageName string

@description('Lake container.')
param lakeContainerName string

@description('Event Hubs namespace.')
param eventHubsNamespaceName string

@description('Event hub carrying the changes.')
param eventHubName string

@description('Key Vault holding the source secrets.')
param keyVaultName string

@description('Application Insights component.')
param appInsightsName string

// Built-in role definition ids by role name (they are the same in every tenant and cloud). The tests read this map from
// the compiled template and check each id against the role it is named after.
var builtInRoles = {
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  'Azure Event Hubs Data Sender': '2b629674-e913-4c01-ae53-ef4638d8f975'
  'Azure Event Hubs Data Receiver': 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde'
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6'
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: hostStorageName
}

resource lakeStorage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: lakeStorageName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource container 'containers' existing = {
      name: lakeContainerName
    }
  }
}

resource eventHubsNamespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = {
  name: eventHubsNamespaceName

  resource hub 'eventhubs' existing = {
    name: eventHubName
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// Host storage, account-wide: the Functions host keeps blob leases and the deployment package there, and Durable
// Functions creates its task hub's queues, tables and containers by name, so no narrower scope is known in advance.
resource hostBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hostStorage
  name: guid(hostStorage.id, identity.id, builtInRoles['Storage Blob Data Owner'])
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      builtInRoles['Storage Blob Data Owner']
    )
  }
}

resource hostQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hostStorage
  name: guid(hostStorage.id, identity.id, builtInRoles['Storage Queue Data Contributor'])
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      builtInRoles['Storage Queue Data Contributor']
    )
  }
}

resource hostTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hostStorage
  name: guid(hostStorage.id, identity.id, builtInRoles['Storage Table Data Contributor'])
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      builtInRoles['Storage Table Data Contributor']
    )
  }
}

// The lake: read, write and delete blobs in the lake container only (not ACLs, not other containers).
resource lakeBlobContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: lakeStorage::blobService::container
  name: guid(lakeStorage::blobService::container.id, identity.id, builtInRoles['Storage Blob Data Contributor'])
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      builtInRoles['Storage Blob Data Contributor']
    )
  }
}

// The change hub only, not the namespace: capture sends, writers receive.
resource hubSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: eventHubsNamespace::hub
  name: guid(eventHubsNamespace::hub.id, identity.id, builtInRoles['Azure Event Hubs Data Sender'])
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      builtInRoles['Azure Event Hubs Data Sender']
    )
  }
}

resource hubReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: eventHubsNamespace::hub
  name: guid(eventHubsNamespace::hub.id, identity.id, builtInRoles['Azure Event Hubs Data Receiver'])
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      builtInRoles['Azure Event Hubs Data Receiver']
    )
  }
}

// Read secret values (Key Vault references and the job API's secret lookups); no keys, no certificates, no writes.
resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: keyVault
  name: guid(keyVault.id, identity.id, builtInRoles['Key Vault Secrets User'])
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      builtInRoles['Key Vault Secrets User']
    )
  }
}

// Send telemetry to the component whose local authentication is off.
resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: appInsights
  name: guid(appInsights.id, identity.id, builtInRoles['Monitoring Metrics Publisher'])
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      builtInRoles['Monitoring Metrics Publisher']
    )
  }
}
