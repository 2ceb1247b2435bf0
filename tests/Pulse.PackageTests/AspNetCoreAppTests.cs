using Pulse.Hub.Client;
using Pulse.Testing;

namespace Pulse.PackageTests;

/// <summary>
/// An ASP.NET Core app a user would write, outside the repository, with the server packages from the local feed
/// and the hub configured from its appsettings.json; a hub client talks to it.
/// </summary>
[Collection(LocalFeedCollection.Name)]
public sealed class AspNetCoreAppTests(LocalFeed feed)
{
    [Fact]
    public async Task AnAppWithTheHubPackageTakesTheHubsOptionsFromAppsettings()
    {
        var app = await WriteWebAppAsync("hub-app", "HubApp", "PulseRealtime.Hub");
        // No using: AddPulseHub, BindConfiguration and MapPulseHub are in the framework's namespaces.
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddPulseHub().BindConfiguration("Pulse:Hub");
            var app = builder.Build();
            app.MapPulseHub("/ws");
            app.Run();
            """);
        // What the test can see of the configuration: anonymous access, and the chat namespace's history size.
        await File.WriteAllTextAsync(Path.Combine(app, "appsettings.json"), """
            { "Pulse": { "Hub": { "AllowAnonymous": true, "Namespaces": { "chat": { "HistorySize": 3 } } } } }
            """);
        DotnetCommand.Run(app, ["build", "-nologo", "-v", "quiet", "-nodeReuse:false"], TimeSpan.FromMinutes(5)).Succeeded("dotnet build of the ASP.NET Core app");

        var port = LoopbackPorts.Free();
        using var process = DotnetCommand.Start("dotnet", app, [Path.Combine(app, "bin", "Debug", "net10.0", "HubApp.dll")],
            new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}", ["DOTNET_ENVIRONMENT"] = "Production" });
        process.BeginOutputReadLine();                          // read (and drop) its log, so it never blocks on a full pipe
        process.BeginErrorReadLine();
        try
        {
            await using var hub = await ConnectWhenListeningAsync(new Uri($"ws://127.0.0.1:{port}/ws"), process);
            for (var i = 1; i <= 5; i++)
            {
                await hub.PublishAsync("chat:config", new { i }).DefaultTimeout();
            }

            var history = await hub.HistoryAsync("chat:config", limit: 100).DefaultTimeout();

            Assert.Equal(5, history.Position.Offset);
            Assert.Equal([3L, 4L, 5L], history.Publications.Select(p => p.Position.Offset));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task TwoInstancesOfAnAppOnOneRedis_ShareAChannel()
    {
        await using var redis = await RedisServer.StartAsync();
        var app = await WriteWebAppAsync("redis-app", "RedisApp", "PulseRealtime.Redis");
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddPulseHub()
                .BindConfiguration("Pulse:Hub")
                .AddRedis(builder.Configuration["Pulse:Redis:Configuration"] ?? "127.0.0.1:6379");
            builder.Services.AddHealthChecks();
            var app = builder.Build();
            app.MapPulseHub("/ws");
            app.MapHealthChecks("/healthz");
            app.Run();
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "appsettings.json"), """
            { "Pulse": { "Hub": { "AllowAnonymous": true }, "Redis": { "Configuration": "127.0.0.1:6379" } } }
            """);
        DotnetCommand.Run(app, ["build", "-nologo", "-v", "quiet", "-nodeReuse:false"], TimeSpan.FromMinutes(5)).Succeeded("dotnet build of the app on Redis");

        // Two instances of the one build, as a load balancer would have them; the environment points them at this
        // test's Redis, as a deployment's would override appsettings.json.
        var ports = new[] { LoopbackPorts.Free(), LoopbackPorts.Free() };
        var instances = ports.Select(port => DotnetCommand.Start("dotnet", app, [Path.Combine(app, "bin", "Debug", "net10.0", "RedisApp.dll")],
            new Dictionary<string, string>
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["DOTNET_ENVIRONMENT"] = "Production",
                ["Pulse__Redis__Configuration"] = redis.Address,
            })).ToList();
        foreach (var instance in instances)
        {
            instance.BeginOutputReadLine();
            instance.BeginErrorReadLine();
        }

        try
        {
            await using var subscriber = await ConnectWhenListeningAsync(new Uri($"ws://127.0.0.1:{ports[0]}/ws"), instances[0]);
            await using var publisher = await ConnectWhenListeningAsync(new Uri($"ws://127.0.0.1:{ports[1]}/ws"), instances[1]);
            var inbox = System.Threading.Channels.Channel.CreateUnbounded<HubMessage>();
            await using var subscription = await subscriber.SubscribeAsync("chat:scaled", message => inbox.Writer.WriteAsync(message)).DefaultTimeout();

            var offset = await publisher.PublishAsync("chat:scaled", new { text = "from the other instance" }).DefaultTimeout();

            var message = await inbox.Reader.ReadAsync().AsTask().DefaultTimeout();
            Assert.Equal(offset, message.Offset);
            Assert.Equal("""{"text":"from the other instance"}""", System.Text.Encoding.UTF8.GetString(message.Data.Span));
            using var http = new HttpClient();
            Assert.Equal("Healthy", await http.GetStringAsync(new Uri($"http://127.0.0.1:{ports[1]}/healthz")).DefaultTimeout());
        }
        finally
        {
            foreach (var instance in instances)
            {
                instance.Kill(entireProcessTree: true);
                await instance.WaitForExitAsync();
                instance.Dispose();
            }
        }
    }

    /// <summary>A new ASP.NET Core project outside the repository referencing <paramref name="package"/> from the feed.</summary>
    private async Task<string> WriteWebAppAsync(string folder, string name, string package)
    {
        var app = feed.NewApp(folder);
        await File.WriteAllTextAsync(Path.Combine(app, $"{name}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{package}" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        return app;
    }

    private static async Task<HubClient> ConnectWhenListeningAsync(Uri uri, System.Diagnostics.Process process)
    {
        using var deadline = new CancellationTokenSource(TestTimeouts.Scaled(TimeSpan.FromSeconds(60)));
        while (true)
        {
            try
            {
                return await HubClient.ConnectAsync(uri, cancellationToken: deadline.Token);
            }
            catch (ConnectFailedException) when (!process.HasExited && !deadline.IsCancellationRequested)
            {
                await Task.Delay(200, deadline.Token);
            }
        }
    }
}
