global using Xunit;
global using Serverless.Testing;
