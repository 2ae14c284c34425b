metadata description = 'Key Vault (RBAC authorization) holding the source password that the app reads as a Key Vault reference.'

@description('Name of the vault.')
param name string

@description('Region of the vault.')
param location string

@description('Tags for the vault.')
param tags object

@secure()
@description('Password of the source replication user.')
param sourcePassword string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // Access by role assignment only (Key Vault Secrets User for the app), no access policies.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource sourcePasswordSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'source-password'
  properties: {
    value: sourcePassword
  }
}

@description('Name of the vault.')
output name string = vault.name

@description('Vault URI, https://NAME.vault.azure.net/.')
output uri string = vault.properties.vaultUri

@description('Unversioned URI of the source password, for the app\'s Key Vault reference (the newest version is used).')
output sourceCredentialUri string = sourcePasswordSecret.properties.secretUri
