metadata description = 'Storage for the Functions host: the deployment package container, Durable Functions\' task hub (queues, tables, blobs) and the job-state table.'

@description('Name of the storage account.')
param name string

@description('Region of the account.')
param location string

@description('Tags for the account.')
param tags object

@description('Blob container that Flex Consumption deploys the app package to.')
param deploymentContainerName string

@description('Table that holds job state (phases, counts, positions).')
param stateTableName string

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    // Identity only: no account keys, no anonymous blobs.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-01-01' = {
  parent: account
  name: 'default'
}

resource stateTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-01-01' = {
  parent: tableService
  name: stateTableName
}

@description('Name of the account.')
output name string = account.name

@description('Blob endpoint, https://ACCOUNT.blob.core.windows.net/.')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Queue endpoint.')
output queueEndpoint string = account.properties.primaryEndpoints.queue

@description('Table endpoint.')
output tableEndpoint string = account.properties.primaryEndpoints.table

@description('URL of the deployment package container.')
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deploymentContainer.name}'

@description('URL of the job-state table (a state-store location).')
output stateTableUrl string = '${account.properties.primaryEndpoints.table}${stateTable.name}'
