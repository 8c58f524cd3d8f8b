#pragma once

#include "core/lib/string_view.h"

// The two shaders rota draws with, as TGSI text (Gallium's shader IR, which
// virglrenderer parses and translates to GLSL on the host; the syntax is
// Mesa's tgsi_text.c and the instruction set docs/virgl.md lists).
//
// The vertex shader places textured quads: IN[0] is a corner's offset in
// pixels from the quad's centre of rotation, IN[1] its texture coordinate.
// CONST[0] = (cos θ, sin θ, centre x, centre y) turns the offset clockwise on
// the screen by θ and moves it to the centre; CONST[1] = (sx, sy, tx, ty)
// takes pixels to normalised device coordinates (x × sx + tx). The fragment
// shader samples texture 0.

namespace rota::gpu::virgl {

inline constexpr StringView quad_vertex_shader
    = "VERT\n"
      "DCL IN[0]\n"
      "DCL IN[1]\n"
      "DCL OUT[0], POSITION\n"
      "DCL OUT[1], GENERIC[0]\n"
      "DCL CONST[0..1]\n"
      "DCL TEMP[0]\n"
      "IMM[0] FLT32 { 0.0000, 1.0000, 0.0000, 0.0000}\n"
      "  0: MUL TEMP[0].xy, IN[0].xxxx, CONST[0].xyyy\n"
      "  1: MAD TEMP[0].x, -IN[0].yyyy, CONST[0].yyyy, TEMP[0].xxxx\n"
      "  2: MAD TEMP[0].y, IN[0].yyyy, CONST[0].xxxx, TEMP[0].yyyy\n"
      "  3: ADD TEMP[0].xy, TEMP[0].xyyy, CONST[0].zwww\n"
      "  4: MAD OUT[0].xy, TEMP[0].xyyy, CONST[1].xyyy, CONST[1].zwww\n"
      "  5: MOV OUT[0].zw, IMM[0].xxxy\n"
      "  6: MOV OUT[1], IN[1]\n"
      "  7: END\n";

inline constexpr StringView textured_fragment_shader = "FRAG\n"
                                                       "PROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\n"
                                                       "DCL IN[0], GENERIC[0], PERSPECTIVE\n"
                                                       "DCL OUT[0], COLOR\n"
                                                       "DCL SAMP[0]\n"
                                                       "DCL SVIEW[0], 2D, FLOAT\n"
                                                       "  0: TEX OUT[0], IN[0], SAMP[0], 2D\n"
                                                       "  1: END\n";

// Text the host's TGSI parser rejects: debug=virgl-fault sends it, so that the
// context fails the way a real shader bug would make it fail.
inline constexpr StringView rejected_shader = "FRAG\n"
                                              "DCL OUT[0], COLOR\n"
                                              "  0: NOT_AN_OPCODE OUT[0], IN[7]\n"
                                              "  1: END\n";

// Generous bounds on the tokens the host's translation may produce (it
// allocates this many plus a margin).
inline constexpr unsigned shader_max_tokens = 512;

} // namespace rota::gpu::virgl
