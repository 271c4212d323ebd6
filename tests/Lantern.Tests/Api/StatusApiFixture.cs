using Lantern.Status;
using Microsoft.Extensions.DependencyInjection;

namespace Lantern.Tests.Api;

/// <summary>An <see cref="ApiTestHost"/> with in-test status read models registered as the SIP modules would register them.</summary>
public sealed class StatusApiFixture : IAsyncLifetime
{
    public StatusApiFixture() => Host = new ApiTestHost
    {
        ExtraServices = services =>
        {
            services.AddSingleton(Endpoints);
            services.AddSingleton<IEndpointStatusReader>(Endpoints);
            services.AddSingleton<IEndpointContactWriter>(Endpoints);
            services.AddSingleton<IUpstreamStatusSource, FakeUpstreamStatusSource>();
            services.AddSingleton<IPeerStatusSource, FakePeerStatusSource>();
        },
    };

    public FakeEndpointStatus Endpoints { get; } = new();

    public ApiTestHost Host { get; }

    public Task InitializeAsync() => Host.InitializeAsync();

    public Task DisposeAsync() => Host.DisposeAsync();
}
