namespace ImmichGateway.Tests.Packaging;

/// <summary>The name check the chart, compose and README tests rely on: it must refuse what the gateway would not read.</summary>
public sealed class AppSettingsTests
{
    [Theory]
    [InlineData("Immich__BaseUrl")]
    [InlineData("Gateway__Users__alice__Clients__kiosk__KeySha256")]
    [InlineData("Gateway__KnownNetworks__0")]
    [InlineData("ConnectionStrings__Redis")]
    [InlineData("ASPNETCORE_SHUTDOWNTIMEOUTSECONDS")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT")]
    [InlineData("Logging__LogLevel__ImmichGateway.Audit")]
    public void Binds_ASettingTheGatewayReads(string name) => Assert.True(AppSettings.Binds(name), name);

    [Theory]
    [InlineData("ASPNETCORE_SHUTDOWNTIMEOUTSECOND")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOIN")]
    [InlineData("DOTNET_VERSION")]
    [InlineData("Logging__LogLevel__")]
    [InlineData("Imich__BaseUrl")]
    [InlineData("Gateway__Users__alice__Clients__kiosk__KeySha")]
    public void DoesNotBind_AMisspeltOrForeignName(string name) => Assert.False(AppSettings.Binds(name), name);
}
