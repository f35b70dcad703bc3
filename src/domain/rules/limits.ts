/** The largest instruction file read from a repository, pasted or uploaded (bytes). */
export const MAX_INSTRUCTION_FILE_BYTES = 512 * 1024
