using Pulse.Cli;

return await PulseCommand.RunAsync(args, Console.In, Console.Out, Console.Error).ConfigureAwait(false);
