package httpapi

func (s *Server) accountRoutes() []Route { return nil }
