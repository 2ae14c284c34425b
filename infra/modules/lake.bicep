metadata description = 'The lake: an ADLS Gen2 account (hierarchical namespace) with one container for the Delta tables.'

@description('Name of the storage account.')
param name string

@description('Region of the account.')
param location string

@description('Tags for the account.')
param tags object

@description('Container holding the Delta tables.')
param containerName string

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    // ADLS Gen2: Spark, Databricks and Fabric read the tables through the dfs endpoint; we write through blob.
    isHnsEnabled: true
    accessTier: 'Hot'
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

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: containerName
  properties: {
    publicAccess: 'None'
  }
}

@description('Name of the account.')
output name string = account.name

@description('Lake root URL, https://ACCOUNT.blob.core.windows.net/CONTAINER (a job\'s target.root).')
output url string = '${account.properties.primaryEndpoints.blob}${container.name}'
