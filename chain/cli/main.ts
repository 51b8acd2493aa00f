export function main(argv: string[]): void {
  console.log('vivian', argv.slice(2).join(' '));
}
