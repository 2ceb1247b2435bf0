using System.Collections.Frozen;

namespace Pulse.Server.Demos;

/// <summary>The demo pages and <c>pulse.js</c>, embedded in the assembly and served from memory.</summary>
internal static class DemoAssets
{
    /// <summary>Route → embedded file. The pages have short routes; their shared files live under <c>/demos/</c>.</summary>
    public static readonly FrozenDictionary<string, string> Routes = new Dictionary<string, string>
    {
        ["/"] = "index.html",
        ["/chat"] = "chat.html",
        ["/counter"] = "counter.html",
        ["/clock"] = "clock.html",
        ["/logs"] = "logs.html",
        ["/status"] = "status.html",
        ["/demos/demo.css"] = "demo.css",
        ["/demos/demo.js"] = "demo.js",
        ["/demos/favicon.svg"] = "favicon.svg",
        ["/pulse.js"] = "pulse.js",
        ["/pulse.d.ts"] = "pulse.d.ts",
    }.ToFrozenDictionary();

    /// <summary>The bytes of an embedded file.</summary>
    /// <exception cref="InvalidOperationException">The build did not embed it.</exception>
    public static byte[] Read(string file)
    {
        using var stream = typeof(DemoAssets).Assembly.GetManifestResourceStream("Demos/" + file)
            ?? throw new InvalidOperationException($"the demo file {file} is not embedded in Pulse.Server");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>The Content-Type of a file, by its extension.</summary>
    public static string ContentType(string file) => Path.GetExtension(file) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "text/plain; charset=utf-8",
    };
}
