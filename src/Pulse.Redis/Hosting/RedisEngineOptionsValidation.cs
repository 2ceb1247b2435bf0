using Microsoft.Extensions.Options;
using Pulse.Redis.Engine;

namespace Pulse.Redis.Hosting;

/// <summary>Checks <see cref="RedisEngineOptions"/> when the application starts, naming the wrong value.</summary>
internal sealed class RedisEngineOptionsValidation : IValidateOptions<RedisEngineOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisEngineOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
